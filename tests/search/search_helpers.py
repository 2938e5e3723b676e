"""What the search tests share: a question made in one line, and the slugs a search found."""

from questions.models import Question


def slugs(result) -> list[str]:
    return [question.slug for question in result.questions]


def make_question(competency, text: str, guidance: str = "Looks for a clear example.", **extra):
    return Question.objects.create(text=text, guidance=guidance, competency=competency, **extra)
