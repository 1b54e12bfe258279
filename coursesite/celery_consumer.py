"""The Celery worker's consumer, with one fix: a broker restart must not end the worker.

In Celery 5.7, when the connection to Redis is lost, the consumer first collects the
connection (which detaches its transport) and then closes it. Closing a channel that
still holds unacknowledged messages tries to hand them back to Redis through the
detached transport, raises AttributeError, and that error escapes as "Unrecoverable
error": the whole worker exits instead of reconnecting. It happens whenever Redis
restarts while a task is in flight (seen in tests/faults).

Here that close is made quiet. Nothing is lost by it: after a restart Redis has lost
those messages anyway, and the recovery sweep re-sends their submissions
(exercises/services/recovery.py); after a mere disconnection they stay in Redis's
unacknowledged set and come back by the visibility timeout, or sooner by the sweep.
"""

from __future__ import annotations

import logging

from celery.worker.consumer import Consumer as CeleryConsumer

logger = logging.getLogger(__name__)


class Consumer(CeleryConsumer):
    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None:
            close = connection.close

            def close_quietly() -> None:
                try:
                    close()
                except AttributeError as error:
                    logger.warning("broker connection closed uncleanly after a loss: %r", error)

            # Celery looks the method up on the instance when it closes the connection.
            connection.close = close_quietly
        super().on_connection_error_after_connected(exc)
