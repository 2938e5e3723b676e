"""Journey 1: a recruiter browses the bank in a real browser."""

import re

from playwright.sync_api import Page, expect


def test_recruiter_browses_a_competency_and_opens_a_question(
    page: Page, live_server, bank, recruiter_user, sign_in
):
    sign_in(page, "rita")
    page.get_by_role("link", name="Data analysis").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data analysis")
    expect(page.get_by_text("10 questions")).to_be_visible()

    card = page.locator(".question-card").filter(has_text="forecasting demand")
    guidance = card.get_by_text("Expecting the candidate to display knowledge")
    expect(guidance).to_be_hidden()
    card.get_by_text("What to look for").click()
    expect(guidance).to_be_visible()

    card.get_by_role("link", name=re.compile("forecasting demand")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("forecasting demand")
    expect(page.get_by_role("heading", name="What to look for")).to_be_visible()


def test_recruiter_filters_a_competency_with_the_keyboard(
    page: Page, live_server, bank, recruiter_user, sign_in
):
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/competencies/leadership/")
    page.get_by_label("Level").focus()
    page.get_by_label("Level").select_option("lead")
    page.get_by_role("button", name="Filter").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"level=lead"))
    expect(page.locator(".question-card")).to_have_count(3)
