from .cohorts import Cohort, CohortInvitation, ExerciseDraft, Membership, Regrade, RegradeItem
from .learning import Lesson, LessonProgress, PracticeProblem, QuizAttempt, QuizItem, Track
from .submissions import Exercise, ExerciseVersion, Submission

__all__ = [
    "Cohort",
    "CohortInvitation",
    "Exercise",
    "ExerciseDraft",
    "ExerciseVersion",
    "Lesson",
    "LessonProgress",
    "Membership",
    "PracticeProblem",
    "QuizAttempt",
    "QuizItem",
    "Regrade",
    "RegradeItem",
    "Submission",
    "Track",
]
