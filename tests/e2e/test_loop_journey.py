"""Journey 4: a hiring manager builds a loop, two interviewers rate a candidate blind, and the
hiring manager reads the debrief. Each page is checked with axe-core at desktop and phone
width on the way."""

import re

import pytest
from playwright.sync_api import Page, expect

from questions.kits import item_rules, rules
from questions.models import Question
from tests.e2e.test_accessibility import (
    DESKTOP,
    PHONE,
    serious_violations,
    sideways_overflow,
    skipped_heading_levels,
)
from tests.helpers import make_user

STRATEGIC = "Can you describe a strategic initiative"
ALIGN = "How do you ensure that the strategic planning"
FAILED = "Discuss a time when a strategic plan"
LEADING = "Describe a situation when you had to lead"


def question(start: str) -> Question:
    return Question.objects.get(text__startswith=start)


@pytest.fixture
def interview_kits(bank, hiring_manager_user):
    """Two of the hiring manager's kits: both ask about strategy, the second leadership too."""
    first = rules.kit_create(owner=hiring_manager_user, title="Onsite 1: strategy")
    for start in (STRATEGIC, ALIGN):
        item_rules.kit_add_question(kit=first, question=question(start))
    second = rules.kit_create(owner=hiring_manager_user, title="Onsite 2: leadership")
    for start in (FAILED, LEADING):
        item_rules.kit_add_question(kit=second, question=question(start))
    return first, second


@pytest.fixture
def interviewers(e2e_db, django_user_model):
    return (
        make_user(django_user_model, "ana", "Interviewer"),
        make_user(django_user_model, "ben", "Interviewer"),
    )


def check(page: Page, where: str) -> None:
    """No serious accessibility problem and no sideways scrolling, at desktop and phone width."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        at = f"{where} at {viewport['width']} px"
        assert serious_violations(page) == [], at
        assert skipped_heading_levels(page) == [], at
        assert sideways_overflow(page) <= 0, (at, page.evaluate(WIDER_THAN_WINDOW))


def rate(page: Page, position: int, level: int, evidence: str) -> None:
    """Choose a level with the keyboard, as in a radio group, and note the evidence."""
    group = page.get_by_role("group", name=re.compile(rf"^{position}\. "))
    group.get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    for _ in range(level - 1):
        page.keyboard.press("ArrowRight")
    expect(group.get_by_role("radio").nth(level - 1)).to_be_checked()
    evidence_boxes = page.get_by_role("textbox", name=re.compile(r"^Evidence"))
    evidence_boxes.nth(position - 1).fill(evidence)


def test_a_loop_from_building_to_debrief_with_blind_scorecards(
    page: Page,
    new_context,
    live_server,
    interview_kits,
    interviewers,
    hiring_manager_user,
    signed_in,
    readme_screenshot,
):
    ana, ben = interviewers
    signed_in(page.context, hiring_manager_user)

    # The hiring manager builds the loop: two interviews, a competency nobody covers.
    page.goto(f"{live_server.url}/loops/")
    page.get_by_role("link", name="New loop").click()
    page.get_by_label("Title").fill("Ops Manager, onsite")
    page.get_by_label("Role").select_option(label="E-Commerce Operations Manager")
    for name in ("Strategy", "Leadership", "Data analysis"):
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("button", name="Create loop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ops Manager, onsite")
    for kit_title, person in (("Onsite 1: strategy", "ana"), ("Onsite 2: leadership", "ben")):
        adding = page.locator("form").filter(
            has=page.get_by_role("heading", name="Add an interview")
        )
        adding.get_by_label("Kit").select_option(label=kit_title)
        adding.get_by_role("checkbox", name=person, exact=True).check()
        adding.get_by_role("button", name="Add interview").click()
        expect(page.get_by_role("status")).to_contain_text("Interview added.")
    expect(page.get_by_text("No interview asks about Data analysis.")).to_be_visible()
    page.get_by_label("Reference").fill("ATS-1042")
    page.get_by_role("button", name="Add candidate").click()
    expect(page.get_by_role("status")).to_contain_text("Candidate ATS-1042 added.")
    expect(page.get_by_role("heading", level=1)).to_have_text("ATS-1042")
    candidate_url = page.url
    page.get_by_role("link", name="Ops Manager, onsite").click()
    check(page, "the loop")

    # Ana rates her interview by keyboard, with the anchors beside each level, and submits.
    ana_page = new_context().new_page()
    signed_in(ana_page.context, ana)
    ana_page.goto(f"{live_server.url}/loops/")
    ana_page.get_by_role("link", name="Ops Manager, onsite").click()
    ana_page.get_by_role("link", name="Fill your scorecard: Onsite 1: strategy").click()
    expect(ana_page.get_by_text("No initiative of their own").first).to_be_visible()
    check(ana_page, "a scorecard")
    rate(ana_page, 1, 5, "Led a returns-portal change; returns cost down 18% against Q1.")
    expect(ana_page.locator("#autosave")).to_contain_text("Draft saved at")
    rate(ana_page, 2, 4, "Quarterly targets set with finance and marketing.")
    ana_page.get_by_role("radio", name="Strong yes").check()
    ana_page.get_by_label("Summary").fill("Clear, measured strategic work.")
    ana_page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    readme_screenshot(ana_page, "scorecard")
    ana_page.set_viewport_size(PHONE)
    readme_screenshot(ana_page, "scorecard-phone")
    ana_page.set_viewport_size(DESKTOP)
    ana_page.get_by_role("button", name="Submit scorecard").click()
    expect(ana_page.get_by_role("status")).to_contain_text("Scorecard submitted.")

    # Ben has not submitted: Ana's ratings and the debrief stay closed to him.
    ben_page = new_context().new_page()
    signed_in(ben_page.context, ben)
    ben_page.goto(candidate_url)
    expect(ben_page.get_by_text("hidden until yours are submitted")).to_be_visible()
    expect(ben_page.get_by_role("link", name="Debrief")).to_have_count(0)
    debrief_url = candidate_url + "debrief/"
    assert ben_page.goto(debrief_url).status == 403
    ben_page.go_back()
    ben_page.get_by_role("link", name="Yours: fill it in").click()
    rate(ben_page, 1, 2, "Could not say what the plan missed.")
    rate(ben_page, 2, 3, "Led a peak-season team through a carrier failure.")
    ben_page.get_by_role("radio", name="No", exact=True).check()
    ben_page.get_by_role("button", name="Submit scorecard").click()
    expect(ben_page.get_by_role("status")).to_contain_text("Scorecard submitted.")
    # Submitted, he now reads Ana's scorecard.
    ben_page.get_by_role("link", name="Submitted: read it").click()
    expect(ben_page.get_by_text("returns cost down 18%")).to_be_visible()

    # The hiring manager reads the debrief: means by the fixed rule, the disagreement flagged.
    page.goto(debrief_url)
    strategy = page.get_by_role("row", name=re.compile(r"^Strategy"))
    # Ana's strategy mean is 4.5 (5 and 4), Ben's 2: the mean of the means, 3.25, shows as 3.3.
    expect(strategy).to_contain_text("3.3 of 5")
    expect(strategy).to_contain_text("Discuss: interviewers disagree")
    leadership = page.get_by_role("row", name=re.compile(r"^Leadership"))
    expect(leadership).to_contain_text("3.0 of 5")
    expect(leadership).not_to_contain_text("Discuss")
    recommendations = page.get_by_role("region", name="Recommendations")
    expect(recommendations).to_contain_text("Strong yes")
    expect(recommendations).to_contain_text("No")
    expect(page.get_by_text("Missing scorecards")).to_have_count(0)
    check(page, "the debrief")
    readme_screenshot(page, "debrief", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "debrief-ats-1042.pdf"


# The first elements reaching past the window's right edge, to say what makes a page scroll.
WIDER_THAN_WINDOW = """() => Array.from(document.querySelectorAll("body *"))
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
    .slice(0, 8)
    .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
