import json

import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import Submission
from exercises.services.submissions import submission_create

pytestmark = pytest.mark.django_db

CODE = "def step(params, grads, state, lr):\n    return params\n"


def _post(client: Client, slug: str, payload, **extra):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(
        reverse("api_submission_create", args=[slug]),
        data=body,
        content_type="application/json",
        **extra,
    )


def test_submit_returns_202_with_a_status_url(alice_client, alice, exercise):
    response = _post(alice_client, exercise.slug, {"code": CODE, "mode": "submit"})

    assert response.status_code == 202
    data = response.json()
    submission = Submission.objects.get(pk=data["id"])
    assert (submission.user, submission.status, submission.code) == (alice, "queued", CODE)
    assert data["status"] == "queued"
    assert data["status_url"] == reverse("api_submission_detail", args=[submission.pk])
    assert alice_client.get(data["status_url"]).status_code == 200


def test_run_mode_is_stored(alice_client, exercise):
    response = _post(alice_client, exercise.slug, {"code": CODE, "mode": "run"})
    assert Submission.objects.get(pk=response.json()["id"]).mode == "run"


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        "[1, 2]",
        {"mode": "submit"},
        {"code": 42},
        {"code": CODE, "mode": "everything"},
        {"code": CODE, "mode": ["run"]},
    ],
    ids=[
        "bad-json",
        "not-an-object",
        "missing-code",
        "code-not-string",
        "bad-mode",
        "mode-not-string",
    ],
)
def test_bad_request_body_is_400_with_an_error(alice_client, exercise, payload):
    response = _post(alice_client, exercise.slug, payload)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Submission.objects.exists()


def test_oversized_code_is_413_with_the_limit(alice_client, exercise, settings):
    settings.TRACELAB_SUBMISSION_MAX_BYTES = 1000
    response = _post(alice_client, exercise.slug, {"code": "#" * 1001})
    assert response.status_code == 413
    assert "1,000 bytes" in response.json()["error"]
    assert not Submission.objects.exists()


def test_request_over_djangos_size_limit_is_413(alice_client, exercise, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = _post(alice_client, exercise.slug, {"code": "#" * 5000})
    assert response.status_code == 413
    assert "too large" in response.json()["error"]


def test_too_many_submissions_a_minute_is_429(alice_client, exercise, settings):
    settings.TRACELAB_SUBMISSIONS_PER_MINUTE = 2
    assert _post(alice_client, exercise.slug, {"code": CODE}).status_code == 202
    assert _post(alice_client, exercise.slug, {"code": CODE}).status_code == 202

    response = _post(alice_client, exercise.slug, {"code": CODE})

    assert response.status_code == 429
    assert "2 submissions a minute" in response.json()["error"]
    assert Submission.objects.count() == 2


def test_unknown_exercise_is_404(alice_client, exercise):
    assert _post(alice_client, "no-such-exercise", {"code": CODE}).status_code == 404


def test_anonymous_submit_is_401(client, exercise):
    response = _post(client, exercise.slug, {"code": CODE})
    assert response.status_code == 401
    assert not Submission.objects.exists()


def test_submit_without_csrf_token_is_403(alice, exercise):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert _post(client, exercise.slug, {"code": CODE}).status_code == 403
    assert not Submission.objects.exists()


def test_submit_with_csrf_token_from_the_page_is_accepted(alice, exercise):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(reverse("exercise_detail", args=[exercise.slug]))
    token = client.cookies["csrftoken"].value

    response = _post(client, exercise.slug, {"code": CODE}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 202


def test_get_on_the_submit_endpoint_is_405(alice_client, exercise):
    url = reverse("api_submission_create", args=[exercise.slug])
    assert alice_client.get(url).status_code == 405


def test_status_reports_queue_position(alice, bob, alice_client, exercise):
    submission_create(user=bob, exercise=exercise, code=CODE, mode="submit")
    mine = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")

    data = alice_client.get(reverse("api_submission_detail", args=[mine.pk])).json()

    assert data == {
        "id": mine.pk,
        "status": "queued",
        "verdict": None,
        "score": None,
        "result": None,
        "queue_position": 2,
    }


def test_status_of_a_finished_submission_hides_hidden_case_values(alice, alice_client, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    hidden_case = {
        "name": "hidden-1",
        "hidden": True,
        "passed": False,
        "steps_compared": 3,
        "error": "expected 0.123456",
        "divergence": {
            "step": 3,
            "quantity": "param",
            "index": [0],
            "expected": 0.123456,
            "got": 0.5,
            "error": 0.37,
        },
    }
    Submission.objects.filter(pk=submission.pk).update(
        status="done",
        verdict="failed",
        score=0.5,
        result={"verdict": "failed", "score": 0.5, "message": "", "cases": [hidden_case]},
    )

    data = alice_client.get(reverse("api_submission_detail", args=[submission.pk])).json()

    assert data["queue_position"] is None
    assert data["result"]["cases"] == [
        {
            "name": "hidden-1",
            "hidden": True,
            "passed": False,
            "steps_compared": None,
            "divergence": None,
            "error": None,
        }
    ]
    assert "0.123456" not in json.dumps(data)


def test_other_students_submission_is_404(alice_client, bob, exercise):
    bobs = submission_create(user=bob, exercise=exercise, code="secret = 1", mode="submit")

    detail = alice_client.get(reverse("api_submission_detail", args=[bobs.pk]))
    fragment = alice_client.get(reverse("submission_fragment", args=[bobs.pk]))

    assert detail.status_code == 404
    assert fragment.status_code == 404
    assert "secret" not in detail.content.decode() + fragment.content.decode()


def test_anonymous_status_is_401(client, alice, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    assert client.get(reverse("api_submission_detail", args=[submission.pk])).status_code == 401
    assert client.get(reverse("submission_fragment", args=[submission.pk])).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"code": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"code": "x", "mode": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001,
    ],
    ids=["array", "in-code", "in-mode"],
)
def test_json_nested_too_deeply_is_400_with_a_clear_message(alice_client, exercise, body):
    response = _post(alice_client, exercise.slug, body)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]
    assert not Submission.objects.exists()


def test_numbers_too_long_to_read_are_400(alice_client, exercise):
    response = _post(alice_client, exercise.slug, '{"code": "x", "mode": ' + "9" * 5000 + "}")
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_form_instead_of_json_is_400_not_a_server_error(alice, exercise):
    """The CSRF check reads a form body first; the view must not fail reading it again."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(reverse("exercise_detail", args=[exercise.slug]))
    token = client.cookies["csrftoken"].value
    url = reverse("api_submission_create", args=[exercise.slug])
    for data in (
        {"csrfmiddlewaretoken": token, "code": CODE},  # multipart
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "JSON" in response.json()["error"]
    response = client.post(
        url,
        f"csrfmiddlewaretoken={token}&code=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()
