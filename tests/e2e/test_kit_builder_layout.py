"""The kit builder as it looks: grouped actions, compact cards, the bank as a tab on a phone,
and adding a question to a kit from search and from its page."""

import re

from playwright.sync_api import Page, expect

from questions.kits import item_rules, rules
from questions.models import Kit, Question, Role

TALL = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
LONG_NOTE = "\n".join(
    f"Line {n}: ask for a number, a date and who else was there." for n in range(7)
)


def big_kit(owner, questions: int = 12) -> Kit:
    kit = rules.kit_create(owner=owner, title="Operations manager, final", role=Role.objects.get())
    for question in Question.objects.order_by("pk")[:questions]:
        item_rules.kit_add_question(kit=kit, question=question)
    if questions > 1:
        item_rules.kit_update_item(item=kit.items.get(position=2), minutes=5, note=LONG_NOTE)
    return kit


def test_actions_are_one_button_two_menus_and_delete_apart(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    kit = big_kit(hiring_manager_user, questions=2)
    signed_in(page.context, hiring_manager_user)
    page.set_viewport_size(TALL)
    page.goto(f"{live_server.url}/kits/{kit.code}/")
    actions = page.get_by_role("group", name="Kit actions")
    visible = actions.locator("a, summary").filter(visible=True)
    expect(visible).to_have_text(["Interviewer view", "Print / PDF", "More", "Delete…"])
    expect(actions.get_by_role("link", name="Markdown")).to_be_hidden()

    downloads = actions.locator("summary", has_text="Print / PDF")
    downloads.click()
    expect(actions.get_by_role("link", name="Markdown")).to_be_visible()
    # Escape closes the menu and leaves focus on its button, as menus do.
    page.keyboard.press("Escape")
    expect(actions.get_by_role("link", name="Markdown")).to_be_hidden()
    expect(downloads).to_be_focused()
    # Opening another menu, or clicking elsewhere, closes the open one.
    downloads.click()
    actions.locator("summary", has_text="More").click()
    expect(actions.get_by_role("link", name="Markdown")).to_be_hidden()
    expect(actions.get_by_role("button", name="Duplicate")).to_be_visible()
    page.get_by_role("heading", name="Questions in this kit").click()
    expect(actions.get_by_role("button", name="Duplicate")).to_be_hidden()

    # Delete asks first, and cancelling keeps the kit.
    delete = actions.get_by_role("link", name="Delete…")
    more_box = actions.locator("details").last.bounding_box()
    assert delete.bounding_box()["x"] >= more_box["x"] + more_box["width"] + 16
    delete.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete")
    assert Kit.objects.filter(pk=kit.pk).exists()


def test_eight_compact_cards_fit_a_900_pixel_window_and_the_summary_covers_none(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    kit = big_kit(hiring_manager_user)
    signed_in(page.context, hiring_manager_user)
    page.set_viewport_size(TALL)
    page.goto(f"{live_server.url}/kits/{kit.code}/")
    items = page.locator("#kit-items > li")
    expect(items).to_have_count(12)
    # No Save button beside fields that save themselves.
    expect(page.get_by_role("button", name="Save")).to_have_count(0)

    page.locator("#kit-summary").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.querySelector('#kit-pane').offsetTop)")
    assert fully_visible(page, "#kit-items > li") >= 8
    for index in range(12):
        assert items.nth(index).bounding_box()["height"] <= 72, index

    # Scrolled halfway down the list, every card in sight is itself at its centre: the
    # summary sits above the list, never over a place a card can be dropped.
    page.locator("#kit-pane .kit-scroll").evaluate("pane => pane.scrollTo(0, 200)")
    assert covered_cards(page) == []
    page.evaluate("window.scrollBy(0, 400)")
    assert covered_cards(page) == []

    # The note opens with the whole note in view.
    second = items.nth(1)
    second.locator("summary").click()
    note = second.get_by_label("Note for the interviewer")
    expect(note).to_be_visible()
    assert note.evaluate("box => box.scrollHeight <= box.clientHeight + 2")
    # Minutes on the card's line save when the field is left.
    second.get_by_label("Minutes").fill("7")
    second.get_by_label("Minutes").press("Tab")
    expect(page.locator("#kit-status")).to_contain_text("Saved question 2: 7 min.")
    assert kit.items.get(position=2).minutes == 7


def test_on_a_phone_the_bank_is_a_tab_and_the_header_stays_short(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    kit = big_kit(hiring_manager_user, questions=3)
    signed_in(page.context, hiring_manager_user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/kits/{kit.code}/")
    assert page.locator(".kit-head").bounding_box()["height"] <= 120
    tabs = page.get_by_role("tablist", name="Builder")
    kit_tab = tabs.get_by_role("tab", name="This kit")
    bank_tab = tabs.get_by_role("tab", name="Add questions")
    expect(kit_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#bank")).to_be_hidden()
    # The page is the kit, not the kit with the 60-question bank under it.
    assert page.evaluate("document.documentElement.scrollHeight") < 2000

    bank_tab.click()
    expect(page.locator("#bank")).to_be_visible()
    expect(page.locator("#kit-pane")).to_be_hidden()
    fourth = Question.objects.order_by("pk")[3].text
    row = page.locator(".bank-question").filter(has_text=fourth)
    row.get_by_role("button", name="Add to the kit").click()
    expect(page.locator("#kit-status")).to_contain_text("as question 4")
    expect(row).to_contain_text("✓ In kit")
    # The tabs stay at the top of the screen, and the kit's counts what was just added.
    expect(kit_tab).to_be_in_viewport()
    expect(kit_tab).to_have_text("This kit (4)")

    # Arrow keys move between the tabs, as in any tab list.
    bank_tab.focus()
    page.keyboard.press("ArrowLeft")
    expect(kit_tab).to_be_focused()
    expect(kit_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#kit-items > li")).to_have_count(4)


def test_a_question_goes_into_a_kit_from_search_and_from_its_page(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    kit = big_kit(hiring_manager_user, questions=1)
    signed_in(page.context, hiring_manager_user)
    page.goto(f"{live_server.url}/search/?q=negotiation")
    hit = page.locator(".search-hit").first
    hit.get_by_role("link", name="Add to kit…").click()
    hit.get_by_label("Add to").select_option(label=kit.title)
    hit.get_by_role("button", name="Add to kit").click()
    expect(hit.get_by_role("status")).to_have_text(re.compile(r"Added to .* as question 2\."))
    assert kit.items.count() == 2

    page.goto(f"{live_server.url}{Question.objects.order_by('-pk').first().get_absolute_url()}")
    page.get_by_role("button", name="Add to kit").click()
    expect(page.get_by_role("status").first).to_contain_text("as question 3")
    page.get_by_role("status").first.get_by_role("link", name=kit.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(kit.title)
    expect(page.locator("#kit-items > li")).to_have_count(3)


def test_a_recruiter_is_offered_no_kits(page: Page, live_server, bank, recruiter_user, signed_in):
    signed_in(page.context, recruiter_user)
    page.goto(f"{live_server.url}/search/?q=negotiation")
    expect(page.locator(".search-hit").first).to_be_visible()
    expect(page.get_by_role("link", name="Add to kit…")).to_have_count(0)


def fully_visible(page: Page, selector: str) -> int:
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).filter((card) => {
             const box = card.getBoundingClientRect();
             const pane = card.closest(".kit-scroll").getBoundingClientRect();
             return box.top >= Math.max(0, pane.top)
               && box.bottom <= Math.min(innerHeight, pane.bottom);
           }).length""",
        selector,
    )


def covered_cards(page: Page) -> list[int]:
    """Positions of cards in sight whose centre shows something else (the summary, say)."""
    return page.evaluate(
        """() => {
          const pane = document.querySelector("#kit-pane .kit-scroll").getBoundingClientRect();
          const covered = [];
          document.querySelectorAll("#kit-items > li").forEach((card, index) => {
            const box = card.getBoundingClientRect();
            const top = Math.max(box.top, pane.top, 0);
            const bottom = Math.min(box.bottom, pane.bottom, innerHeight);
            if (bottom - top < 4) return;
            for (const y of [top + 2, (top + bottom) / 2, bottom - 2]) {
              const found = document.elementFromPoint(box.left + box.width / 2, y);
              if (!card.contains(found)) { covered.push(index + 1); return; }
            }
          });
          return covered;
        }"""
    )


def test_an_alternate_is_swapped_in_from_the_card(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    from tests.e2e.test_accessibility import serious_violations

    kit = big_kit(hiring_manager_user, questions=2)
    first = kit.items.get(position=1).question
    alternate = Question.objects.order_by("-pk").first()
    first.alternates.add(alternate)
    signed_in(page.context, hiring_manager_user)
    page.set_viewport_size(TALL)
    page.goto(f"{live_server.url}/kits/{kit.code}/")
    card = page.locator("#kit-items > li").first
    expect(card).to_contain_text("1 alternate")
    card.locator("summary").click()
    expect(card).to_contain_text("asked of 0 candidates lately")
    assert serious_violations(page) == []
    card.get_by_role("button", name=re.compile("instead of question 1")).click()
    expect(page.locator("#kit-status")).to_contain_text("Question 1 is now")
    expect(page.locator("#kit-items .kit-item-text").first).to_have_text(alternate.text)
