"""What a submission's stream reads: the full fragment when its row changed, and only the
queued fragment at its new position when nothing but the queue moved."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import RequestFactory
from event_loops import run

from exercises import live_topics, views
from exercises.models import Submission
from exercises.services.submissions import submission_create
from exercises.views_live import _SubmissionFollower

pytestmark = pytest.mark.django_db(transaction=True)

CODE = "def step(params, grads, state, lr):\n    return params\n"


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_waiting_submission_is_pushed_its_new_position_as_the_queue_moves(
    alice, bob, exercise, monkeypatch
):
    monkeypatch.setattr("live.announce.publish", lambda *topics: None)
    ahead = submission_create(user=bob, exercise=exercise, code=CODE, mode="submit")
    mine = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    request = _request(alice)
    full_reads = []
    real_state = views.submission_state

    def counting_state(request, submission_id):
        full_reads.append(submission_id)
        return real_state(request, submission_id)

    async def scenario():
        first = await sync_to_async(real_state)(request, mine.pk)
        follower = _SubmissionFollower(request, mine.pk, first)
        monkeypatch.setattr(views, "submission_state", counting_state)
        states = [await follower.read(set())]
        await sync_to_async(Submission.objects.filter(pk=ahead.pk).update, thread_sensitive=True)(
            status=Submission.Status.RUNNING
        )
        states.append(await follower.read({live_topics.QUEUE}))
        states.append(await follower.read({live_topics.QUEUE}))  # the same place again
        await sync_to_async(Submission.objects.filter(pk=mine.pk).update, thread_sensitive=True)(
            status=Submission.Status.RUNNING
        )
        states.append(await follower.read({live_topics.submission(mine.pk), live_topics.QUEUE}))
        return states

    first, moved, again, running = run(scenario())

    assert "Queued (position 2)" in first["html"]
    assert "Queued (position 1)" in moved["html"] and "yours is next" in moved["html"]
    assert again is moved
    assert running["status"] == "running" and "Running" in running["html"]
    # Only the change of the row itself needed the row's fragment read again.
    assert full_reads == [mine.pk]


def test_a_stream_whose_submission_is_gone_ends_with_a_last_event(alice, exercise, monkeypatch):
    monkeypatch.setattr("live.announce.publish", lambda *topics: None)
    mine = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    request = _request(alice)

    async def scenario():
        first = await sync_to_async(views.submission_state)(request, mine.pk)
        follower = _SubmissionFollower(request, mine.pk, first)
        await follower.read(set())
        await sync_to_async(Submission.objects.filter(pk=mine.pk).delete)()
        return await follower.read({live_topics.submission(mine.pk)})

    last = run(scenario())

    assert last["done"] is True and last["gone"] is True and last["status"] == 404
