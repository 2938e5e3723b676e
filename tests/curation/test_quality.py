"""Quality checks while editing: fairness, yes/no and leading questions, near-duplicates."""

import pytest

from questions.curation.quality import (
    is_leading,
    is_yes_no,
    protected_characteristics,
    similar_questions,
    wording_warnings,
)
from questions.models import Question
from tests.helpers import NO_RATING_SCALE


def characteristics(text: str) -> list[str]:
    return [match.characteristic for match in protected_characteristics(text)]


@pytest.mark.parametrize(
    "text,characteristic",
    [
        ("How old are you, and when do you plan to retire?", "age"),
        ("Are you married, and do you have children?", "family or marital status"),
        ("Are you planning to start a family soon?", "family or marital status"),
        ("Would you need maternity leave next year?", "pregnancy"),
        ("Are you pregnant?", "pregnancy"),
        ("Do you have a disability we should know about?", "health or disability"),
        ("How many sick days did you take last year?", "health or disability"),
        ("Which church do you go to on Sundays?", "religion or belief"),
        ("Does your religion allow you to work on Saturdays?", "religion or belief"),
        ("Where were you born, and what is your nationality?", "nationality or origin"),
        ("Is English your native language?", "nationality or origin"),
        ("What is your race or ethnic background?", "race or ethnicity"),
        ("What is your sexual orientation?", "sexual orientation or gender identity"),
        ("Do you have a girlfriend?", "family or marital status"),
    ],
)
def test_it_flags_questions_touching_protected_characteristics(text, characteristic):
    assert characteristic in characteristics(text)


@pytest.mark.parametrize(
    "text",
    [
        "How do you manage your team's workload?",
        "What is the average order value you would aim for?",
        "Describe each stage of your returns process.",
        "How do you handle a race condition in the checkout service?",
        "How would you prepare the warehouse for Black Friday?",
        "How do you negotiate in good faith with a supplier?",
        "How do you keep customers informed during an outage?",
        "How would you organise the product family pages?",
        "How do you decide which foreign markets to enter?",
    ],
)
def test_everyday_operations_words_do_not_trigger(text):
    assert characteristics(text) == []


@pytest.mark.django_db
def test_no_seed_question_is_flagged_for_protected_characteristics(seed_bank):
    flagged = [
        question.slug
        for question in Question.objects.all()
        if protected_characteristics(f"{question.text}\n{question.guidance}")
    ]
    assert flagged == []


@pytest.mark.django_db
def test_no_seed_question_reads_as_yes_no_or_leading(seed_bank):
    texts = list(Question.objects.values_list("text", flat=True))
    assert len(texts) == 60
    assert [text for text in texts if is_yes_no(text)] == []
    assert [text for text in texts if is_leading(text)] == []


@pytest.mark.parametrize(
    "text",
    [
        "Do you have experience with Agile?",
        "Have you ever managed a warehouse?",
        "Would you be comfortable working weekends?",
        "Can you work under pressure?",
        "Is customer service important to you?",
    ],
)
def test_closed_questions_read_as_yes_no(text):
    assert is_yes_no(text)


@pytest.mark.parametrize(
    "text",
    [
        "Can you describe a time you missed a deadline?",
        "Could you walk me through your last product launch?",
        "Have you led a platform migration? How did you plan it?",
        "Tell me about a difficult stakeholder.",
        "How do you prioritise tickets during a spike?",
    ],
)
def test_open_questions_and_polite_requests_do_not(text):
    assert not is_yes_no(text)


@pytest.mark.parametrize(
    "text",
    [
        "Don't you agree that customers always come first?",
        "Wouldn't you say data beats intuition?",
        "Surely you have used Google Analytics?",
        "You'd agree that speed matters more than accuracy, right?",
    ],
)
def test_leading_questions_are_recognised(text):
    assert is_leading(text)


def test_wording_warnings_explain_what_to_do():
    warnings = wording_warnings(text="Do you have kids?")
    assert len(warnings) == 2
    assert "family or marital status" in warnings[0]
    assert "“kids”" in warnings[0]
    assert "yes/no" in warnings[1]


def test_wording_warnings_read_the_guidance_for_protected_characteristics():
    warnings = wording_warnings(
        text="How do you plan your week?", guidance="Listen for how they fit in childcare."
    )
    assert len(warnings) == 1
    assert "family or marital status" in warnings[0]


@pytest.mark.django_db
def test_a_light_rewording_is_a_near_duplicate(seed_bank):
    original = Question.objects.get(slug__startswith="what-metrics-would-you-prioritize")
    similar = list(
        similar_questions(
            "Which metrics would you prioritise to judge the success of an e-commerce "
            "project, and why?"
        )
    )
    assert [question.pk for question in similar] == [original.pk]
    assert similar[0].similarity > 0.65


@pytest.mark.django_db
def test_a_question_is_not_its_own_near_duplicate_and_the_seed_has_none(seed_bank):
    for question in Question.objects.all():
        assert list(similar_questions(question.text, exclude_pk=question.pk)) == [], question.slug


def question_form(question: Question | None = None, **changes) -> dict:
    data = {
        **NO_RATING_SCALE,
        "text": question.text if question else "",
        "guidance": question.guidance if question else "Some guidance.",
        "competency": question.competency_id if question else "",
        "roles": [role.id for role in question.roles.all()] if question else [],
        "question_type": question.question_type if question else "behavioural",
        "level": question.level if question else "mid",
        "minutes": question.minutes if question else 5,
        "is_active": "on",
        "slug": question.slug if question else "",
    }
    data.update(changes)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_saving_a_question_on_protected_ground_warns_but_saves(seed_bank, editor_client):
    question = Question.objects.get(slug__startswith="how-do-you-assess-and-distribute")
    data = question_form(question, text="How do you balance workloads with your childcare?")
    response = editor_client.post(
        f"/admin/questions/question/{question.pk}/change/", data, follow=True
    )
    question.refresh_from_db()
    assert question.text == "How do you balance workloads with your childcare?"
    warnings = [m for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "family or marital status" in str(warnings[0])


@pytest.mark.django_db
def test_adding_a_near_duplicate_warns_with_a_link_to_it(seed_bank, editor_client):
    original = Question.objects.get(slug__startswith="what-metrics-would-you-prioritize")
    data = question_form(
        text="Which metrics would you prioritise to judge the success of an e-commerce "
        "project, and why?",
        competency=original.competency_id,
        slug="which-metrics",
    )
    response = editor_client.post("/admin/questions/question/add/", data, follow=True)
    assert Question.objects.filter(slug="which-metrics").exists()
    body = response.content.decode()
    assert "very similar" in body
    assert f'href="/admin/questions/question/{original.pk}/change/"' in body


@pytest.mark.django_db
def test_a_change_that_leaves_the_wording_alone_is_not_checked(editor_client, strategy):
    question = Question.objects.create(
        text="Do you have kids?", guidance="Nothing.", competency=strategy
    )
    data = question_form(question, minutes=7)
    response = editor_client.post(
        f"/admin/questions/question/{question.pk}/change/", data, follow=True
    )
    assert [m for m in response.context["messages"] if m.level_tag == "warning"] == []


@pytest.mark.django_db
def test_warnings_are_escaped(editor_client, strategy):
    Question.objects.create(
        text="<b>Tell me</b> about a time you improved a returns process.",
        guidance="g",
        competency=strategy,
    )
    data = question_form(
        text="<b>Tell me</b> about a time you improved the returns process!",
        competency=strategy.pk,
        slug="returns-again",
    )
    body = editor_client.post("/admin/questions/question/add/", data, follow=True).content
    assert b"very similar" in body
    assert b"&lt;b&gt;Tell me&lt;/b&gt;" in body
    assert b"<b>Tell me</b>" not in body
