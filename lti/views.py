"""LTI 1.3 endpoints (login, launch, the tool's keys), the deep-linking picker, and the
instructor's pages about the courses that launched TraceLab.

Login and launch are posted by the platform's pages, which hold no CSRF token of ours:
they are exempt from the CSRF check, and the launch is authenticated instead by the
platform's signature, the nonce and the state cookie (lti/tool.py). A launch that fails
a check answers a page saying why, with a 4xx status. Decisions live in the services.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.exception import LtiException, OIDCException

from exercises.services.cohorts import cohorts_taught
from exercises.view_access import instructor_required
from lti import tool
from lti.forms import LinkTargetForm
from lti.models import LtiContext
from lti.services import deep_linking, launches, roster
from lti.services.accounts import Role

logger = logging.getLogger(__name__)

# Deep-linking launches waiting for their instructor's choice, in that instructor's
# session: launch id -> the context's id. Only the newest few are kept.
PENDING_DEEP_LINKS = "lti_deep_links"
_PENDING_KEPT = 5
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refused(request: HttpRequest, reason: str, *, status: int = 400) -> HttpResponse:
    logger.warning("LTI launch refused: %s", reason)
    return render(request, "lti/refused.html", {"reason": reason}, status=status)


def _launch_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("lti:launch"))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Third-party initiated login: redirect to the platform's authorization endpoint,
    with a fresh state (also set as a cookie) and nonce."""
    try:
        return tool.oidc_login(request).redirect(_launch_url(request))
    except (LtiException, OIDCException) as exc:
        return _refused(request, str(exc))


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """The platform's id_token: validated, then the user is signed in and sent on."""
    try:
        message = tool.message_launch(request)
        message.validate()
        outcome = launches.launch_accept(launch=message)
    except (LtiException, OIDCException) as exc:
        return _refused(request, f"This launch could not be verified: {exc}")
    except launches.LaunchRefused as exc:
        return _refused(request, str(exc), status=exc.status)

    auth_login(request, outcome.user, backend=_BACKEND)
    if outcome.resource_link is None:
        launch_id = message.get_launch_id()
        pending = dict(request.session.get(PENDING_DEEP_LINKS, {}))
        pending[launch_id] = outcome.context.pk
        request.session[PENDING_DEEP_LINKS] = dict(list(pending.items())[-_PENDING_KEPT:])
        return redirect("lti:deep_link", launch_id=launch_id)
    target = launches.destination(link=outcome.resource_link)
    if target is not None:
        return redirect(target)
    if outcome.role is Role.INSTRUCTOR:
        messages.info(request, "This link opens nothing yet: add TraceLab to the course anew.")
        return redirect("lti:context", context_id=outcome.context.pk)
    return render(request, "lti/unlinked.html", {"context": outcome.context})


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys: platforms check deep-linking answers and service token
    requests against them."""
    return JsonResponse(tool.jwks())


@require_http_methods(["GET", "POST"])
@login_required
def deep_link(request: HttpRequest, launch_id: str) -> HttpResponse:
    """The instructor picks what the new link opens; the answer goes to the platform.

    Only the session whose deep-linking launch this is may open it (404 for any other).
    """
    context_id = request.session.get(PENDING_DEEP_LINKS, {}).get(launch_id)
    context = LtiContext.objects.select_related("cohort").filter(pk=context_id).first()
    if context is None:
        raise Http404("No such deep-linking launch.")
    try:
        message = tool.launch_restored(request, launch_id)
    except LtiException:
        return _refused(request, "This choice has expired: add TraceLab to the course again.")
    targets = deep_linking.link_targets(cohort=context.cohort)
    form = LinkTargetForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        return_url, jwt = deep_linking.deep_link_answer(
            launch=message,
            target=form.targets[form.cleaned_data["target"]],
            launch_url=_launch_url(request),
        )
        pending = dict(request.session[PENDING_DEEP_LINKS])
        del pending[launch_id]
        request.session[PENDING_DEEP_LINKS] = pending
        return _deep_link_answer_page(request, return_url=return_url, jwt=jwt)
    return render(request, "lti/deep_link.html", {"context": context, "form": form})


def _deep_link_answer_page(request: HttpRequest, *, return_url: str, jwt: str) -> HttpResponse:
    parts = urlsplit(return_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return _refused(request, "The platform gave no address to send the choice to.")
    response = render(request, "lti/deep_link_answer.html", {"return_url": return_url, "jwt": jwt})
    # The page's form posts to the platform: only this response lets a form leave the site,
    # and only for the platform's own origin.
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


def _context_or_404(request: HttpRequest, context_id: int) -> LtiContext:
    context = (
        LtiContext.objects.select_related("cohort", "tool")
        .filter(pk=context_id, cohort__in=cohorts_taught(user=request.user))
        .first()
    )
    if context is None:
        raise Http404("No such course.")
    return context


@require_GET
@instructor_required
def contexts(request: HttpRequest) -> HttpResponse:
    """The platform courses the instructor teaches here."""
    taught = (
        LtiContext.objects.filter(cohort__in=cohorts_taught(user=request.user))
        .select_related("cohort", "tool")
        .order_by("title", "pk")
    )
    return render(request, "lti/contexts.html", {"contexts": taught})


@require_GET
@instructor_required
def context(request: HttpRequest, context_id: int) -> HttpResponse:
    """One platform course: its cohort, its links, and its roster's last sync."""
    course = _context_or_404(request, context_id)
    links = course.resource_links.select_related("exercise", "assignment").order_by("title", "pk")
    return render(request, "lti/context.html", {"context": course, "links": links})


@require_POST
@instructor_required
def context_sync_roster(request: HttpRequest, context_id: int) -> HttpResponse:
    course = _context_or_404(request, context_id)
    try:
        report = roster.roster_sync(context=course)
    except roster.RosterUnavailable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Roster read: {report.learners} students, {report.instructors} instructors "
            f"({report.accounts_created} new accounts); {report.removed} removed.",
        )
    return redirect("lti:context", context_id=course.pk)
