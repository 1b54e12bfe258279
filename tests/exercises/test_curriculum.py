"""The bank's curriculum as authored: every lesson practised, enough exercises and quiz
items, and concepts shared between quizzes and exercises (so the concept view joins them).

Read from the files, as `sync_bank` reads them; no database.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank"
TRACK = BANK / "tracks" / "optimization"


def _track_lessons() -> list[dict]:
    order = tomllib.loads((TRACK / "track.toml").read_text())["lessons"]
    return [tomllib.loads((TRACK / "lessons" / lid / "lesson.toml").read_text()) for lid in order]


def _exercises() -> dict[str, dict]:
    return {
        path.parent.name: tomllib.loads(path.read_text())
        for path in sorted(BANK.glob("*/exercise.toml"))
    }


def test_the_track_has_at_least_twelve_lessons():
    assert len(_track_lessons()) >= 12


def test_the_bank_has_at_least_eighteen_exercises():
    assert len(_exercises()) >= 18


def test_every_lesson_has_an_exercise_that_names_it_back():
    exercises = _exercises()
    for lesson in _track_lessons():
        assert lesson["exercises"], f"{lesson['id']} has no exercise"
        for slug in lesson["exercises"]:
            assert slug in exercises, f"{lesson['id']} lists {slug}, which is not in the bank"
            assert exercises[slug]["lesson"] == lesson["id"], slug


def test_every_exercise_belongs_to_a_lesson_of_the_track():
    lesson_ids = {lesson["id"] for lesson in _track_lessons()}
    orphans = {slug for slug, spec in _exercises().items() if spec.get("lesson") not in lesson_ids}
    assert orphans == set()


def test_the_quizzes_have_at_least_eighty_explained_and_tagged_items():
    items = [item for lesson in _track_lessons() for item in lesson["quiz"]["items"]]
    assert len(items) >= 80
    for item in items:
        assert item["explanation"].strip(), item["id"]
        assert item["concepts"], item["id"]
        assert (
            0 <= item["answer"] < len(item["options"])
            if isinstance(item["answer"], int)
            else (item["answer"] in item["options"])
        ), item["id"]


def test_every_exercise_shares_a_concept_with_a_quiz_item_of_its_lesson():
    lessons = {lesson["id"]: lesson for lesson in _track_lessons()}
    for slug, spec in _exercises().items():
        quiz_concepts = {
            concept
            for item in lessons[spec["lesson"]]["quiz"]["items"]
            for concept in item["concepts"]
        }
        assert set(spec.get("concepts", [])) & quiz_concepts, slug
