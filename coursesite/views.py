"""Account views that Django's auth app does not provide, and its login and password
reset request, throttled."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from coursesite import throttle
from coursesite.forms import SignupForm

login = throttle.login_throttled(auth_views.LoginView.as_view())


def _hours_or_minutes(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class PasswordResetView(auth_views.PasswordResetView):
    """Django's: the same page whether or not an account has the address, a link signed
    for one use, our wording in a plain text email."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self) -> dict[str, str]:
        return {"valid_for": _hours_or_minutes(settings.PASSWORD_RESET_TIMEOUT)}


password_reset = throttle.password_reset_throttled(PasswordResetView.as_view())


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        seconds = throttle.wait_seconds(request, throttle.SIGNUP_ATTEMPTS, throttle.SIGNUP_ACCOUNTS)
        if seconds is not None:
            return throttle.too_many(request, seconds)
        throttle.count(request, throttle.SIGNUP_ATTEMPTS)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        throttle.count(request, throttle.SIGNUP_ACCOUNTS)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})
