"""Django's admin, for operators only.

Teaching happens on the instructor pages, which show an instructor only the cohorts they
teach and only what students consented to share. The admin edits any row of any cohort,
so it is open to superusers alone: a staff flag or model permissions are not enough.
This is why it needs no per-cohort scoping of its own.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse

from coursesite.throttle import login_throttled


class OperatorAdminSite(admin.AdminSite):
    site_header = "TraceLab administration"
    site_title = "TraceLab admin"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # The same accounts as the site's login, so the same throttle.
        return login_throttled(super().login)(request, extra_context)


class OperatorAdminConfig(AdminConfig):
    default_site = "coursesite.operator_admin.OperatorAdminSite"
