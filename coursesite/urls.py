from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coursesite import views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("exercises.urls")),
]
