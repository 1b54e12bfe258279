from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coursesite import openapi, views

handler404 = "coursesite.errors.not_found"
handler500 = "coursesite.errors.server_error"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Django swaps the token in this address for a fixed word (and keeps the token in the
    # session) before showing the form, so the page's own address carries no token.
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("admin/", admin.site.urls),
    path("api/openapi.json", openapi.openapi_json, name="api_openapi"),
    path("lti/", include("lti.urls")),
    path("", include("courses.urls")),
    path("", include("exercises.urls")),
]
