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
    path("admin/", admin.site.urls),
    path("api/openapi.json", openapi.openapi_json, name="api_openapi"),
    path("lti/", include("lti.urls")),
    path("", include("exercises.urls")),
]
