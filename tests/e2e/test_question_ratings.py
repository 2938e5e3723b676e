"""What the ratings teach about a question, on its page: figures and the chart, accessible."""

from playwright.sync_api import Page, expect

from questions.kits import item_rules
from questions.kits import rules as kit_rules
from questions.models import Question
from questions.scorecards import rules
from tests.e2e.test_loop_journey import STRATEGIC, check
from tests.helpers import make_user
from tests.scorecards.scorecard_helpers import fill

LEVELS = [(3, 4), (5, 2), (4, 4), (3, 3), (5, 4), (2, 3)]


def test_a_question_page_shows_how_it_rates(
    page: Page,
    live_server,
    bank,
    hiring_manager_user,
    signed_in,
    django_user_model,
    readme_screenshot,
):
    ana = make_user(django_user_model, "ana", "Interviewer")
    ben = make_user(django_user_model, "ben", "Interviewer")
    question = Question.objects.get(text__startswith=STRATEGIC)
    kit = kit_rules.kit_create(owner=hiring_manager_user, title="Onsite 1: strategy")
    item_rules.kit_add_question(kit=kit, question=question)
    loop = rules.loop_create(owner=hiring_manager_user, title="Operations manager onsite")
    onsite = rules.loop_add_interview(loop=loop, kit=kit, interviewers=[ana, ben])
    for number, pair in enumerate(LEVELS, start=1):
        candidate = rules.candidate_add(loop=loop, reference=f"ATS-{number}")
        for interviewer, level in zip((ana, ben), pair, strict=True):
            scorecard = rules.scorecard_open(
                candidate=candidate, interview=onsite, interviewer=interviewer
            )
            fill(scorecard, [level])

    signed_in(page.context, hiring_manager_user)
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    section = page.get_by_role("region", name="How it rates")
    expect(section).to_contain_text("12 times")
    expect(section).to_contain_text("3.5 of 5")
    expect(section.get_by_role("img")).to_have_attribute(
        "aria-label", "Ratings by level: 1: 0, 2: 2, 3: 4, 4: 4, 5: 2"
    )
    check(page, "question page with ratings")
    section.scroll_into_view_if_needed()
    readme_screenshot(page, "question-ratings")


def test_the_candidate_prep_packet_reads_well_anywhere(
    page: Page, new_context, live_server, bank, hiring_manager_user, signed_in
):
    question = Question.objects.get(text__startswith=STRATEGIC)
    kit = kit_rules.kit_create(owner=hiring_manager_user, title="Onsite 1: strategy")
    item_rules.kit_add_question(kit=kit, question=question)
    loop = rules.loop_create(owner=hiring_manager_user, title="Operations manager onsite")
    rules.loop_add_interview(loop=loop, kit=kit)
    signed_in(page.context, hiring_manager_user)
    page.goto(f"{live_server.url}/loops/{loop.code}/")
    page.get_by_role("button", name="Turn on a prep packet link").click()
    link = page.get_by_label("Prep packet link").input_value()

    candidate = new_context().new_page()
    assert candidate.goto(link).status == 200
    expect(candidate.get_by_role("heading", level=1)).to_have_text("Your interviews")
    expect(candidate.get_by_role("listitem").first).to_contain_text("Onsite 1: strategy")
    expect(candidate.get_by_text(question.text)).to_have_count(0)
    check(candidate, "prep packet")
