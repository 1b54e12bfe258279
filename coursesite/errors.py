"""Error answers: JSON under /api/, Django's usual pages everywhere else.

A client of the JSON API reads `{"error": ...}` for every failure, including those that
never reach a view: a URL that matches no route, a missing CSRF token, a server error.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as html_csrf_failure

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": "Something went wrong on our side."}, status=500)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"error": "The CSRF token is missing or wrong: reload the page."}, status=403
        )
    return html_csrf_failure(request, reason)
