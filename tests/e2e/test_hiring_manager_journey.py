"""Journeys 2 and 3: a hiring manager builds a kit, prints it, and shares it."""

import re

from playwright.sync_api import Locator, Page, expect

from questions.kits import balance
from questions.models import Competency, Kit, Role

FORECASTING = "How would you go about forecasting demand"
STRATEGIC = "Can you describe a strategic initiative"
LEADING = "Describe a situation when you had to lead"
IS_BEFORE = "(a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)"


def test_hiring_manager_builds_orders_times_balances_and_prints_a_kit(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    signed_in(page.context, hiring_manager_user)
    page.goto(live_server.url)

    # Create a kit for the role: 45 minutes, three competencies.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My kits").click()
    expect(page.get_by_text("You have no kits yet.")).to_be_visible()
    page.get_by_role("link", name="New kit").click()
    page.get_by_label("Title").fill("Operations manager, first interview")
    page.get_by_label("Role").select_option(label="E-Commerce Operations Manager")
    page.get_by_label("Target duration (minutes)").fill("45")
    for name in ("Strategy", "Data analysis", "Leadership"):
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("button", name="Create kit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations manager, first interview")
    summary = page.locator("#kit-summary")
    expect(summary).to_contain_text("0 questions · 0 of 45 min")
    expect(summary.locator(".coverage-missing")).to_have_text(
        re.compile(r"Missing:\s+Strategy\s+Data analysis\s+Leadership")
    )

    # Add from a search in the bank panel, typo and all; the summary follows at once.
    page.evaluate("window.stillTheSamePage = true")
    bank_panel = page.locator("#bank")
    bank_panel.get_by_label("Words").press_sequentially("forcasting", delay=30)
    expect(bank_panel).to_contain_text("Showing results for “forecasting”")
    bank_loads = []
    page.on("request", lambda r: bank_loads.append(r.url) if "?q=" in r.url else None)
    add(bank_panel, FORECASTING)
    # Leaving the words box to press Add does not reload the list under the button.
    assert bank_loads == []
    expect(bank_panel.locator(".bank-question").filter(has_text=FORECASTING)).to_contain_text(
        "✓ In kit"
    )
    expect(summary).to_contain_text("1 question · 5 of 45 min")
    expect(summary.get_by_role("list", name="Coverage by competency")).to_have_text(
        re.compile(r"Data analysis\s+1 question · 5 min")
    )
    expect(summary.locator(".coverage-missing")).to_have_text(
        re.compile(r"Missing:\s+Strategy\s+Leadership\s*$")
    )

    # Add from browsing the bank by competency.
    bank_panel.get_by_label("Words").fill("")
    expect(bank_panel.get_by_role("status")).to_have_text("60 questions in the bank")
    expect(page.locator("#bank-filter")).not_to_have_class(re.compile("htmx-request"))
    bank_panel.get_by_label("Competency").select_option(label="Strategy")
    expect(bank_panel.get_by_role("status")).to_have_text("10 questions in the bank")
    add(bank_panel, STRATEGIC)
    bank_panel.get_by_label("Competency").select_option(label="Leadership")
    expect(bank_panel.locator(".bank-question").first).to_contain_text("Leadership")
    add(bank_panel, LEADING)
    expect(summary).to_contain_text("3 questions · 18 of 45 min")
    expect(summary).to_contain_text("Covers every competency chosen for this kit.")
    expect(item_texts(page)).to_have_text(starts_with(FORECASTING, STRATEGIC, LEADING))
    assert page.evaluate("window.stillTheSamePage") is True

    # Back returns to the previous bank filter, showing the kit as it is now, not as it was.
    page.go_back()
    expect(page).to_have_url(re.compile(r"competency=strategy"))
    expect(bank_panel.get_by_label("Competency")).to_have_value("strategy")
    expect(summary).to_contain_text("3 questions · 18 of 45 min")
    expect(item_texts(page)).to_have_count(3)

    # Drag the last question to the top; the new order is saved. The window is tall enough
    # to show the whole list, so the drag needs no scrolling.
    page.set_viewport_size({"width": 1280, "height": 1400})
    items = page.locator("#kit-items > li")
    drag(page, items.nth(2).locator(".drag-handle"), items.nth(0))
    expect(page.locator("#kit-status")).to_have_text("New order saved.")
    expect(item_texts(page)).to_have_text(starts_with(LEADING, FORECASTING, STRATEGIC))
    page.reload()
    expect(item_texts(page)).to_have_text(starts_with(LEADING, FORECASTING, STRATEGIC))
    page.evaluate("window.stillTheSamePage = true")

    # Reorder with the keyboard only: focus stays on the question that moved.
    page.get_by_role("heading", name="Questions in this kit").focus()
    tab_to(page, page.get_by_role("button", name="Move question 1 down"))
    page.keyboard.press("Enter")
    expect(item_texts(page)).to_have_text(starts_with(FORECASTING, LEADING, STRATEGIC))
    expect(page.get_by_role("button", name="Move question 2 down")).to_be_focused()
    press_when_ready(page, "Enter")
    expect(item_texts(page)).to_have_text(starts_with(FORECASTING, STRATEGIC, LEADING))
    # At the bottom "Down" is disabled, so focus moves to the same question's "Up".
    expect(page.get_by_role("button", name="Move question 3 up")).to_be_focused()
    expect(page.locator("#kit-status")).to_contain_text("is now question 3 of 3")
    press_when_ready(page, "Enter")
    expect(item_texts(page)).to_have_text(starts_with(FORECASTING, LEADING, STRATEGIC))
    expect(page.get_by_role("button", name="Move question 2 up")).to_be_focused()

    # Set minutes in place: the budget and coverage update without a reload.
    set_minutes(items.nth(2), "5")
    expect(summary).to_contain_text("3 questions · 16 of 45 min")
    expect(summary.get_by_role("img")).to_have_attribute("aria-label", "16 of 45 minutes planned")
    expect(summary.get_by_role("list", name="Coverage by competency")).to_contain_text(
        "Strategy 1 question · 5 min"
    )
    set_minutes(items.nth(1), "40")
    expect(summary.locator(".tag-danger")).to_have_text("Over budget by 5 min")
    expect(summary.get_by_role("img")).to_have_class(re.compile("is-over"))
    assert page.evaluate("window.stillTheSamePage") is True

    # Balance: the proposal keeps the kit's role, slot and competencies.
    kit_action(page, "More", "Balance this kit")
    expect(page.get_by_label("Target duration (minutes)")).to_have_value("45")
    expect(page.get_by_role("checkbox", name="Data analysis")).to_be_checked()
    page.get_by_role("button", name="Propose questions").click()
    expect(page.get_by_role("heading", name="Proposal: 6 questions, 32 of 45 min")).to_be_visible()
    page.get_by_role("button", name="Replace the 3 questions in the kit with these").click()
    expect(page.get_by_role("status").first).to_contain_text("The kit now has 6 balanced questions")
    expect(summary).to_contain_text("6 questions · 32 of 45 min")
    expect(summary).to_contain_text("Covers every competency chosen for this kit.")
    expect(items).to_have_count(6)

    # The print view, then the PDF.
    kit_action(page, "Print / PDF", "Print")
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations manager, first interview")
    expect(page.get_by_role("heading", level=3)).to_have_count(6)
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "operations-manager-first-interview.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_removed_question_comes_back_with_undo_from_the_keyboard(
    page: Page, live_server, bank, hiring_manager_user, signed_in
):
    kit = panel_kit(hiring_manager_user)
    signed_in(page.context, hiring_manager_user)
    page.goto(f"{live_server.url}/kits/{kit.code}/")
    before = item_texts(page).all_inner_texts()

    page.get_by_role("button", name="Remove question 2 from the kit").focus()
    page.keyboard.press("Enter")
    expect(item_texts(page)).to_have_count(len(before) - 1)
    expect(page.locator("#kit-status")).to_contain_text("Removed “")
    # Focus waits on "Undo", so Enter straight away puts the question back in its place.
    undo = page.get_by_role("button", name="Undo the removal")
    expect(undo).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#kit-status")).to_contain_text("back as question 2")
    expect(item_texts(page)).to_have_text(before)
    expect(undo).to_have_count(0)


def test_a_share_link_opens_signed_out_until_it_is_turned_off(
    page: Page, live_server, bank, hiring_manager_user, signed_in, new_context
):
    kit = panel_kit(hiring_manager_user)
    signed_in(page.context, hiring_manager_user)
    page.goto(f"{live_server.url}/kits/{kit.code}/")
    page.get_by_role("button", name="Turn on a share link").click()
    expect(page.get_by_role("status").first).to_contain_text("Sharing is on")
    link = page.get_by_label("Share link").input_value()
    assert link.startswith(f"{live_server.url}/kits/shared/")

    # A panel member with no account opens it on a phone.
    phone = new_context(viewport={"width": 375, "height": 800}).new_page()
    assert phone.goto(link).status == 200
    expect(phone.get_by_role("heading", level=1)).to_have_text("Panel interview")
    # The kit alone: no site search, browsing or sign-in for someone without an account.
    expect(phone.get_by_role("link", name="Sign in")).to_have_count(0)
    expect(phone.get_by_role("search")).to_have_count(0)
    expect(phone.locator(".sheet-question")).to_have_count(kit.items.count())
    expect(phone.get_by_role("link", name="Download PDF")).to_be_visible()

    page.get_by_role("button", name="Turn sharing off").click()
    expect(page.get_by_role("status").first).to_contain_text("Sharing is off")
    expect(page.get_by_label("Share link")).to_have_count(0)
    assert phone.reload().status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(phone.get_by_text("Panel interview")).to_have_count(0)


# Steps ----------------------------------------------------------------------------------


def panel_kit(owner) -> Kit:
    """A 45-minute kit for the role, balanced over strategy and leadership."""
    return balance.kit_create_from_role(
        owner=owner,
        role=Role.objects.get(),
        title="Panel interview",
        target_minutes=45,
        competencies=Competency.objects.filter(slug__in=["strategy", "leadership"]),
    )


def add(bank_panel: Locator, text: str) -> None:
    """Press "Add" on the bank question that starts with this text."""
    row = bank_panel.locator(".bank-question").filter(has_text=text)
    row.get_by_role("button", name="Add to the kit").click()
    expect(row).to_contain_text("✓ In kit")
    # The button was swapped for "Remove"; focus goes with it rather than to the page top.
    expect(row.get_by_role("button", name="Remove from the kit")).to_be_focused()
    expect(bank_panel.page.locator("#kit-status")).to_contain_text("Added “")


def kit_action(page: Page, menu: str, name: str) -> None:
    """Open one of the kit's action menus and follow the link in it."""
    actions = page.get_by_role("group", name="Kit actions")
    actions.locator("summary", has_text=menu).click()
    actions.get_by_role("link", name=name, exact=True).click()


def item_texts(page: Page) -> Locator:
    return page.locator("#kit-items .kit-item-text")


def starts_with(*texts: str) -> list[re.Pattern]:
    return [re.compile("^" + re.escape(text)) for text in texts]


def drag(page: Page, handle: Locator, target: Locator) -> None:
    """Drag by the handle with the mouse onto the target, in small steps as a person would.

    The pointer moves over the target again until the dragged item lands before it: the
    list animates as items make way, and SortableJS ignores an item while it is moving.
    """
    dragged = handle.locator("xpath=ancestor::li[1]").element_handle()
    landing = target.element_handle()  # fixed now: a locator such as nth(0) would follow
    handle.hover()
    page.mouse.down()
    for _ in range(10):
        box = landing.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3, steps=8)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 3, steps=4)
        if dragged.evaluate(IS_BEFORE, landing):
            break
    page.mouse.up()


def tab_to(page: Page, control: Locator, limit: int = 60) -> None:
    """Press Tab until the control has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if control.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {control}")


def press_when_ready(page: Page, key: str) -> None:
    """Press a key once htmx has wired up the controls it just swapped in.

    A control swapped in is live a moment later (htmx's settle step); a key pressed within
    that moment would post the plain form, which works but reloads the page.
    """
    expect(page.locator(".htmx-added")).to_have_count(0)
    page.keyboard.press(key)


def set_minutes(item: Locator, minutes: str) -> None:
    """Type the minutes and leave the field, which saves it."""
    field = item.get_by_label("Minutes")
    field.fill(minutes)
    field.press("Tab")
    expect(item.page.locator("#kit-status")).to_contain_text(f": {minutes} min.")
