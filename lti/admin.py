"""What launches recorded, for operators (the admin is for superusers only). Platform
registrations themselves are pylti1p3's LtiTool and LtiToolKey, registered by that app."""

from django.contrib import admin

from lti.models import LtiContext, LtiIdentity, LtiResourceLink, LtiScoreSent


@admin.register(LtiIdentity)
class LtiIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "issuer", "subject", "created_at")
    search_fields = ("user__username", "issuer", "subject")
    raw_id_fields = ("user",)


@admin.register(LtiContext)
class LtiContextAdmin(admin.ModelAdmin):
    list_display = ("title", "context_id", "deployment_id", "tool", "cohort", "roster_synced_at")
    search_fields = ("title", "context_id", "cohort__name")
    raw_id_fields = ("cohort",)


@admin.register(LtiResourceLink)
class LtiResourceLinkAdmin(admin.ModelAdmin):
    list_display = ("title", "resource_link_id", "context", "exercise", "assignment")
    search_fields = ("title", "resource_link_id")
    raw_id_fields = ("context", "exercise", "assignment")


@admin.register(LtiScoreSent)
class LtiScoreSentAdmin(admin.ModelAdmin):
    list_display = ("resource_link", "user", "score_given", "score_maximum", "sent_at")
    raw_id_fields = ("resource_link", "user")
