"""Pushing changes to open pages: Redis publish/subscribe into server-sent event streams.

- `announce` (any process: a Celery worker, a web request) tells every web process
  that some topics changed, once the current transaction commits.
- Each web process holds one subscription (`hub`) and wakes the streams that follow
  those topics.
- A stream (`streams`) answers with the page's own server-rendered fragment each
  time its topics change, so what a pushed page shows is what a polled one shows.
"""
