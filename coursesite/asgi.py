"""The web server's application: `gunicorn coursesite.asgi:application` (gunicorn.conf.py
picks uvicorn's ASGI workers).

Two ways in, by path:
- event streams (`.../events`, live/) go to Django's ASGI handler: each is an async view
  that waits on Redis announcements for minutes, holding no thread while it waits;
- everything else, every page and the JSON API, goes to Django's WSGI handler through
  a2wsgi, in a fixed pool of threads behind the gate (coursesite/asgi_gate.py). A
  thread that lives as long as the process keeps its database connection
  (CONN_MAX_AGE) and needs no new thread per request, which Django's ASGI handler
  would: measured here, that made each page 3 to 6 ms slower.
"""

import os

from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings")

streams = get_asgi_application()
pages = get_wsgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402  (after Django is set up)
from django.conf import settings  # noqa: E402

from coursesite.asgi_gate import ConcurrencyGate  # noqa: E402

threads = settings.TRACELAB_WEB_CONCURRENCY


class ByPath:
    """Event streams to Django's ASGI handler, everything else to the pages' threads."""

    def __init__(self, pages, streams) -> None:
        self.pages = pages
        self.streams = streams

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not scope["path"].endswith("/events"):
            await self.pages(scope, receive, send)
        else:
            await self.streams(scope, receive, send)


application = ByPath(
    ConcurrencyGate(WSGIMiddleware(pages, workers=threads), limit=threads).install(),
    streams,
)
