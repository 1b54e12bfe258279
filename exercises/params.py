"""Reading what a request carries (query strings, form fields, JSON bodies), bounded.

Views read their parameters through these helpers, so a malformed or out-of-range
value is answered with a clear 400 instead of failing deeper down: an integer no URL
can hold, a date whose next day does not exist, a NUL the database cannot store, JSON
nested deeper than the parser's stack.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse

# The largest primary key either database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1
# Free text in a query string (a named mistake, a verdict): longer is never meaningful.
MAX_TEXT_PARAM = 200
# Date filters: the widest range the dashboard and exports accept. Beyond it, a day
# after the end or a time-zone shift falls outside what datetime can represent.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class BadParameter(ValueError):
    """A request parameter that cannot be used; the message is safe to show."""


def bad_request(message: str) -> HttpResponse:
    """A plain-text 400 that says what was wrong."""
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def record_id(value: Any, *, name: str) -> int:
    """A positive integer id, from the decimal digits a query string carries."""
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        raise BadParameter(f"{name} must be the id of a record (a positive whole number).")
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise BadParameter(f"{name} must be the id of a record (a positive whole number).")
    return number


def text_param(value: Any, *, name: str, max_length: int = MAX_TEXT_PARAM) -> str:
    """A short piece of text without NUL characters ("" when absent)."""
    if value is None:
        return ""
    if not isinstance(value, str) or "\x00" in value or len(value) > max_length:
        raise BadParameter(f"{name} must be text of at most {max_length} characters.")
    return value


def validate_date_in_range(value: date) -> None:
    """A form validator: a filter date must lie between EARLIEST_DATE and LATEST_DATE."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"Pick a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.",
            code="date_out_of_range",
        )


def clamp_date(value: date) -> date:
    """A date moved into [EARLIEST_DATE, LATEST_DATE] (for callers that did not validate)."""
    return min(max(value, EARLIEST_DATE), LATEST_DATE)


def json_body(body: bytes, *, hint: str = "Send a JSON object.") -> Any:
    """Parse a JSON request body; BadParameter (with `hint` when it is not JSON at all)."""
    try:
        return json.loads(body)
    except RecursionError:
        # The parser recurses once per level of nesting: a deep enough body runs out of
        # stack. Nothing this site accepts is nested more than a level or two.
        raise BadParameter("The JSON is nested too deeply.") from None
    except (ValueError, UnicodeDecodeError):
        raise BadParameter(hint) from None
