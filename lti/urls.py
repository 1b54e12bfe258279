from django.urls import path

from lti import views

app_name = "lti"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("jwks/", views.jwks, name="jwks"),
    path("deep-link/<str:launch_id>/", views.deep_link, name="deep_link"),
    path("contexts/", views.contexts, name="contexts"),
    path("contexts/<int:context_id>/", views.context, name="context"),
    path(
        "contexts/<int:context_id>/sync-roster/",
        views.context_sync_roster,
        name="context_sync_roster",
    ),
]
