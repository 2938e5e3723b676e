"""Helpers shared by the test modules: people, quick bulk data and API clients."""

from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.authtoken.models import Token

from interviewbank.auth import token_digest
from questions.kits import item_rules, rules
from questions.models import Competency, Kit, KitItem, Question, Role
from questions.scorecards.models import RatingScale

# Every test person's password: long enough for the password validators.
PASSWORD = "a-long-test-password"


def make_user(django_user_model, username: str, *groups: str, **extra):
    """A person in the named groups (as the data migrations made them); `extra` as for
    create_user, e.g. is_staff=True."""
    user = django_user_model.objects.create_user(username, password=PASSWORD, **extra)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def make_questions(
    competency: Competency, count: int, *, word: str = "forecasting", roles: list[Role] = ()
) -> None:
    """`count` fresh active questions in the competency about `word`, for the roles given."""
    questions = Question.objects.bulk_create(
        Question(
            slug=f"{competency.slug}-{word}-{n}",
            text=f"Tell me about {word} number {n}?",
            guidance=f"Explains their {word} clearly.",
            competency=competency,
        )
        for n in range(count)
    )
    for role in roles:
        role.questions.add(*questions)


def anchored_kit(owner, anchored: Question, plain: Question):
    """A kit of two questions, the first with the scale "<Pricing level n.>", the second none."""
    RatingScale.objects.create(
        question=anchored, **{f"level_{n}": f"Pricing level {n}." for n in range(1, 6)}
    )
    kit = rules.kit_create(owner=owner, title="Anchored")
    item_rules.kit_add_question(kit=kit, question=anchored)
    item_rules.kit_add_question(kit=kit, question=plain)
    return kit


# The question page's rating-scale inline, left empty: its management form must be posted.
NO_RATING_SCALE = {
    "rating_scale-TOTAL_FORMS": "0",
    "rating_scale-INITIAL_FORMS": "0",
    "rating_scale-MIN_NUM_FORMS": "0",
    "rating_scale-MAX_NUM_FORMS": "1",
}


def question_form(question: Question, **changes) -> dict:
    """The admin change form's fields for `question`, with `changes` applied."""
    return {
        **NO_RATING_SCALE,
        "text": question.text,
        "guidance": question.guidance,
        "competency": question.competency_id,
        "roles": [role.id for role in question.roles.all()],
        "question_type": question.question_type,
        "level": question.level,
        "minutes": question.minutes,
        "is_active": "on" if question.is_active else "",
        "slug": question.slug,
        **changes,
    }


def fill(kit: Kit, competency: Competency, count: int) -> None:
    """Put `count` fresh questions at the end of the kit, quickly."""
    questions = Question.objects.bulk_create(
        Question(
            slug=f"{competency.slug}-bulk-{kit.pk}-{n}",
            text=f"Bulk question {n} on {competency.slug} for kit {kit.pk}?",
            guidance="Bulk guidance.",
            competency=competency,
        )
        for n in range(count)
    )
    start = kit.items.count()
    KitItem.objects.bulk_create(
        KitItem(
            kit=kit,
            question=question,
            position=start + n + 1,
            minutes=question.minutes,
            pinned_text=question.text,
            pinned_guidance=question.guidance,
        )
        for n, question in enumerate(questions)
    )


def token_client(user) -> Client:
    """A client that authenticates as a script does: with the user's API token (the same
    for every client of one person, as the database keeps only its digest)."""
    key = f"test-token-{user.pk}-{user.username}"
    Token.objects.filter(user=user).exclude(key=token_digest(key)).delete()
    Token.objects.get_or_create(user=user, key=token_digest(key))
    return Client(headers={"Authorization": f"Token {key}"})


def assert_error(response, status: int, code: str) -> dict:
    """The response is the API's one error shape with this status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body
