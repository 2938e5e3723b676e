"""Journey 1: a recruiter browses the bank and searches it, in a real browser."""

import re

from playwright.sync_api import Page, expect


def test_recruiter_browses_searches_with_a_typo_and_opens_a_question(
    page: Page, live_server, bank, recruiter_user, sign_in
):
    sign_in(page, "rita")

    # Browse a competency and read a question's guidance.
    page.get_by_role("link", name="Data analysis").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data analysis")
    expect(page.get_by_text("10 questions")).to_be_visible()
    card = page.locator(".question-card").filter(has_text="forecasting demand")
    guidance = card.get_by_text("Expecting the candidate to display knowledge")
    expect(guidance).to_be_hidden()
    card.get_by_text("What to look for").click()
    expect(guidance).to_be_visible()

    # "/" jumps to the header search box from anywhere on the page.
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search questions")
    expect(box).to_be_focused()
    box.press_sequentially("inventory")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search/?q=inventory")
    results = page.locator("#results")
    expect(results.get_by_role("status")).to_have_text(re.compile(r"5 questions for “inventory”"))

    # Typing a new search updates the results and the address in place, without a reload.
    page.evaluate("window.stillTheSamePage = true")
    box.select_text()
    box.press_sequentially("custmer", delay=30)
    expect(page).to_have_url(f"{live_server.url}/search/?q=custmer")
    expect(page).to_have_title("Search: custmer · Interview Bank")
    correction = results.locator(".search-correction")
    expect(correction).to_contain_text("Did you mean customer?")
    expect(results.get_by_role("status")).to_have_text(re.compile(r"17 questions for “customer”"))
    assert page.evaluate("window.stillTheSamePage") is True

    # Follow "Did you mean", then narrow by a facet.
    correction.get_by_role("link", name="customer").click()
    expect(page).to_have_url(f"{live_server.url}/search/?q=customer")
    expect(correction).to_be_hidden()
    expect(results.locator("mark").first).to_have_text(re.compile("customer", re.IGNORECASE))
    facets = page.get_by_role("navigation", name="Narrow down")
    facets.get_by_role("link", name="Customer service").click()
    expect(page).to_have_url(f"{live_server.url}/search/?q=customer&competency=customer-service")
    expect(results.get_by_role("status")).to_have_text(re.compile(r"10 questions for “customer”"))
    expect(page.get_by_role("list", name="Filters in use")).to_contain_text(
        "Competency: Customer service"
    )

    # Open a question: its page has the guidance.
    first = results.locator(".search-hit h3 a").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="What to look for")).to_be_visible()

    # Back walks through the earlier searches, each with its results and its words.
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/search/?q=customer&competency=customer-service")
    expect(results.get_by_role("status")).to_have_text(re.compile(r"10 questions for “customer”"))
    expect(box).to_have_value("customer")
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/search/?q=customer")
    expect(results.get_by_role("status")).to_have_text(re.compile(r"17 questions for “customer”"))
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/search/?q=custmer")
    expect(page).to_have_title("Search: custmer · Interview Bank")
    expect(correction).to_contain_text("Did you mean customer?")
    expect(box).to_have_value("custmer")
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/search/?q=inventory")
    expect(results.get_by_role("status")).to_have_text(re.compile(r"5 questions for “inventory”"))
    expect(box).to_have_value("inventory")


def test_recruiter_filters_a_competency_with_the_keyboard(
    page: Page, live_server, bank, recruiter_user, signed_in
):
    signed_in(page.context, recruiter_user)
    page.goto(f"{live_server.url}/competencies/leadership/")
    page.get_by_label("Level").focus()
    page.get_by_label("Level").select_option("lead")
    page.get_by_role("button", name="Filter").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"level=lead"))
    expect(page.locator(".question-card")).to_have_count(3)
