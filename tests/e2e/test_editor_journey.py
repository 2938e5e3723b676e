"""Journey 4: an editor rewords a question; the kit that uses it says so, and takes it."""

import re

from playwright.sync_api import Page, expect

from questions.kits import item_rules, rules
from questions.models import Question, Role

OLD = "How would you go about forecasting demand for a new product category"
NEW = (
    "How would you forecast demand for a new product category from two years of sales data "
    "and a planned promotion?"
)


def test_an_editor_rewords_a_question_and_the_kit_owner_takes_the_new_wording(
    page: Page, new_context, live_server, bank, hiring_manager_user, editor_user, signed_in
):
    kit = rules.kit_create(
        owner=hiring_manager_user, title="Data interview", role=Role.objects.get()
    )
    question = Question.objects.get(text__startswith=OLD)
    item_rules.kit_add_question(kit=kit, question=question)
    item_rules.kit_add_question(
        kit=kit, question=Question.objects.get(text__contains="A/B testing")
    )

    # The editor finds the question in the admin and rewrites it.
    admin = new_context().new_page()
    signed_in(admin.context, editor_user)
    admin.goto(f"{live_server.url}/admin/")
    admin.locator("#content").get_by_role("link", name="Questions", exact=True).click()
    admin.locator("#searchbar").fill("forecasting demand")
    admin.locator("#searchbar").press("Enter")
    admin.get_by_role("link", name=re.compile("^" + re.escape(OLD))).click()
    admin.get_by_label("Text").fill(NEW)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist .success")).to_contain_text("was changed successfully")

    # The owner's list of kits flags the change; the builder shows both wordings side by side.
    signed_in(page.context, hiring_manager_user)
    page.goto(f"{live_server.url}/kits/")
    card = page.locator(".kit-card").filter(has_text="Data interview")
    expect(card).to_contain_text("1 changed in the bank")
    card.get_by_role("link", name="Data interview").click()
    item = page.locator("#kit-items > li").first
    expect(item.locator(".kit-item-text")).to_have_text(re.compile("^" + re.escape(OLD)))
    expect(item.locator(".kit-item-meta")).to_contain_text("Changed in the bank")
    change = item.get_by_role("group", name=re.compile("An editor has changed this question"))
    expect(change.get_by_role("columnheader")).to_have_text(["In this kit", "In the bank now"])
    expect(change.locator(".diff-old")).to_have_text(re.compile("^" + re.escape(OLD)))
    expect(change.locator(".diff-new")).to_have_text(NEW)
    expect(change.locator(".diff-old del").first).to_have_text(re.compile("go about forecasting"))
    expect(change.locator(".diff-new ins").first).to_have_text(re.compile("forecast"))
    expect(page.locator("#kit-summary")).to_contain_text("1 changed in the bank")

    # Taking the new wording: in place, and focus lands on the same question's minutes.
    change.get_by_role("button", name="Use the new wording").click()
    expect(item.locator(".kit-item-text")).to_have_text(NEW)
    expect(item.locator(".kit-item-meta")).not_to_contain_text("Changed in the bank")
    expect(change).to_have_count(0)
    expect(page.locator("#kit-summary")).not_to_contain_text("changed in the bank")
    expect(page.locator("#kit-status")).to_have_text("Question 1 now uses the wording in the bank.")
    expect(item.get_by_label("Minutes")).to_be_focused()

    page.goto(f"{live_server.url}/kits/{kit.code}/view/")
    expect(page.get_by_role("heading", level=3).first).to_have_text(f"1. {NEW}")
