"""Journey 5: with JavaScript switched off, browsing, searching and building still work."""

import re

import pytest
from playwright.sync_api import Page, expect

from questions.kits import item_rules, rules
from questions.models import Question, Role


@pytest.fixture
def page(new_context, live_server) -> Page:
    """A page in a browser with JavaScript disabled."""
    return new_context(java_script_enabled=False).new_page()


def test_browsing_and_searching_work_without_javascript(
    page: Page, live_server, bank, recruiter_user, signed_in
):
    signed_in(page.context, recruiter_user)
    page.goto(live_server.url)
    assert page.evaluate("typeof htmx") == "undefined"  # the page's own scripts never ran
    page.get_by_role("link", name="Leadership").first.click()
    page.get_by_label("Level").select_option("lead")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/competencies/leadership/\?.*level=lead"))
    expect(page.locator(".question-card")).to_have_count(3)
    card = page.locator(".question-card").first
    card.get_by_text("What to look for").click()
    expect(card.locator("details p")).to_be_visible()

    # The header box is a plain GET form; the filters beside the results belong to it.
    box = page.get_by_role("searchbox", name="Search questions")
    box.fill("invetory")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search/?q=invetory")
    page.locator(".search-correction").get_by_role("link", name="inventory").click()
    expect(page).to_have_url(f"{live_server.url}/search/?q=inventory")
    expect(page.locator("#results").get_by_role("status")).to_contain_text("5 questions")
    page.get_by_label("Competency").select_option(label="Technical")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=inventory&competency=technical"))
    expect(page.locator("#results").get_by_role("status")).to_contain_text("3 questions")
    expect(box).to_have_value("inventory")


def test_building_a_kit_works_without_javascript(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    kit = rules.kit_create(owner=hiring_manager_user, title="Phone screen", role=Role.objects.get())
    for text in ("How would you go about forecasting", "Can you describe a strategic initiative"):
        item_rules.kit_add_question(kit=kit, question=Question.objects.get(text__startswith=text))
    signed_in(page.context, hiring_manager_user)
    page.goto(f"{live_server.url}/kits/{kit.code}/")
    texts = page.locator("#kit-items .kit-item-text")
    expect(texts).to_have_text([re.compile("^How would you go"), re.compile("^Can you describe")])

    # Add from the bank: the form posts and comes back to the builder.
    page.locator("#bank").get_by_label("Competency").select_option(label="Leadership")
    page.locator("#bank").get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"competency=leadership"))
    row = page.locator(".bank-question").filter(has_text="Describe a situation when you had")
    row.get_by_role("button", name="Add to the kit").click()
    expect(page.locator(".messages")).to_contain_text("as question 3")
    expect(texts).to_have_count(3)
    expect(page).to_have_url(re.compile(r"competency=leadership"))

    # Reorder with the Up and Down buttons.
    page.get_by_role("button", name="Move question 3 up").click()
    expect(page.locator(".messages")).to_contain_text("is now question 2 of 3")
    expect(texts).to_have_text(
        [
            re.compile("^How would you go"),
            re.compile("^Describe a situation"),
            re.compile("^Can you describe"),
        ]
    )
    page.get_by_role("button", name="Move question 1 down").click()
    expect(texts.first).to_have_text(re.compile("^Describe a situation"))

    # Minutes save with the item's own Save button.
    first = page.locator("#kit-items > li").first
    first.get_by_label("Minutes").fill("3")
    first.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved question 1: 3 min.")
    expect(page.locator("#kit-summary")).to_contain_text("3 questions · 15 of 45 min")


def test_adding_from_a_search_result_works_without_javascript(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    kit = rules.kit_create(owner=hiring_manager_user, title="Second interview")
    signed_in(page.context, hiring_manager_user)
    page.goto(f"{live_server.url}/search/?q=negotiation")
    page.locator(".search-hit").first.get_by_role("link", name="Add to kit…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a question to one of your kits")
    page.get_by_label("Add to").select_option(label="Second interview")
    page.get_by_role("button", name="Add to kit").click()
    # Back on the search, where the person was, with the kit a link away.
    expect(page).to_have_url(re.compile(r"/search/\?q=negotiation$"))
    expect(page.locator(".messages")).to_contain_text("Added to Second interview as question 1.")
    page.locator(".messages").get_by_role("link", name="Second interview").click()
    expect(page.locator("#kit-items > li")).to_have_count(1)
    assert kit.items.count() == 1
