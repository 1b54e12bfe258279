from django.apps import AppConfig
from pylti1p3.contrib.django.lti1p3_tool_config.apps import PyLTI1p3ToolConfig


class LtiConfig(AppConfig):
    # The app's own config ("lti" in INSTALLED_APPS), beside ToolConfigConfig below.
    default = True
    name = "lti"
    label = "lti"
    verbose_name = "LTI 1.3"

    def ready(self) -> None:
        from exercises.signals import grades_changed
        from lti import receivers

        # A student's changed grade reaches the platforms' grade books they launched from.
        grades_changed.connect(receivers.send_scores_of_lti_students, dispatch_uid="lti-scores")


class ToolConfigConfig(PyLTI1p3ToolConfig):
    """pylti1p3's registration models (LtiTool, LtiToolKey) as its migrations made them:
    their ids are AutoFields, not the site's default BigAutoField, which would ask for a
    migration inside the installed package."""

    default_auto_field = "django.db.models.AutoField"
