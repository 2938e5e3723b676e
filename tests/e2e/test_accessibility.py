"""WCAG 2.1 AA in the browser: axe-core, headings, keyboard focus and layout on the main pages.

Every main page is checked at desktop and phone width: no serious or critical axe-core
violation (labels, contrast, names and roles among them), no skipped heading level, and no
sideways scrolling. With UPDATE_SCREENSHOTS=1 the same tour saves the README's pictures.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from questions.kits import balance, rules
from questions.models import Competency, Question, Role
from tests.helpers import PASSWORD, make_user

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}
# WCAG 1.4.10 (reflow): content fits 320 CSS pixels, a 1280 px window zoomed to 400 %.
REFLOW = {"width": 320, "height": 640}
CHANGED = "How would you go about forecasting demand for a new product category"

# (path, README picture at desktop width, README picture at phone width); {code} and
# {token} are the kit's.
SIGNED_IN_PAGES = [
    ("/", "home", None),
    ("/competencies/data-analysis/", "competency", None),
    ("/questions/how-would-you-go-about-forecasting-demand-for-a-new/", "question", None),
    ("/roles/e-commerce-operations-manager/", None, None),
    ("/search/?q=custmer", "search", "search-phone"),
    ("/search/?q=customer&competency=customer-service", None, None),
    ("/search/", None, None),
    ("/search/?q=xylophone", None, None),
    ("/kits/", None, None),
    ("/kits/new/", None, None),
    ("/kits/{code}/", "kit-builder", "kit-builder-phone"),
    (
        "/kits/{code}/balance/?role=e-commerce-operations-manager&target_minutes=45"
        "&competencies=strategy&competencies=leadership",
        None,
        None,
    ),
    ("/kits/{code}/view/", None, None),
    ("/kits/{code}/print/", "kit-print", None),
    ("/accounts/profile/", None, None),
]
# The admin as editors and admins reach it; {question} and {code} are ids.
ADMIN_PAGES = [
    "/admin/",
    "/admin/questions/question/",
    "/admin/questions/question/?q=forecasting",
    "/admin/questions/question/add/",
    "/admin/questions/question/{question}/change/",
    "/admin/questions/question/{question}/history/",
    "/admin/questions/question/import/",
    "/admin/questions/question/report/",
    "/admin/questions/question/report/?flag=unused",
    "/admin/questions/competency/",
    "/admin/questions/synonym/",
    "/admin/questions/kit/",
    "/admin/questions/kit/{kit}/change/",
    "/admin/questions/ratingscale/",
    "/admin/auth/user/",
]
SIGNED_OUT_PAGES = [
    ("/accounts/login/", None, None),
    ("/kits/shared/{token}/", None, "shared-kit-phone"),
    ("/no-such-page/", None, None),
]


@pytest.fixture
def journey_kit(bank, hiring_manager_user):
    """The product's journey kit: balanced for the role, shared, one question since reworded."""
    kit = balance.kit_create_from_role(
        owner=hiring_manager_user,
        role=Role.objects.get(),
        title="Operations manager, first interview",
        target_minutes=45,
        competencies=Competency.objects.filter(
            slug__in=["strategy", "data-analysis", "leadership"]
        ),
        notes="Second of three interviews. Leave ten minutes for the candidate's questions.",
    )
    rules.kit_share(kit=kit)
    question = Question.objects.get(text__startswith=CHANGED)
    question.text = "How would you forecast demand for a new product category from sales history?"
    question.save()
    kit.refresh_from_db()
    return kit


def test_main_pages_meet_wcag_aa_at_desktop_and_phone_width(
    page: Page, new_context, live_server, journey_kit, signed_in, readme_screenshot
):
    signed_in(page.context, journey_kit.owner)
    signed_out = new_context().new_page()
    problems = []
    for tab in (page, signed_out):
        # A missing file, a script error or a blocked inline script or style shows up here.
        tab.on("pageerror", lambda error: problems.append(str(error)))
        tab.on(
            "response",
            lambda r: (
                problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        tab.on(
            "console",
            lambda m: (
                problems.append(f"{m.text} ({m.location['url']})")
                if m.type == "error" and "/no-such-page/" not in m.location["url"]
                else None
            ),
        )
    for viewport in (DESKTOP, PHONE):
        for tab, pages in ((page, SIGNED_IN_PAGES), (signed_out, SIGNED_OUT_PAGES)):
            tab.set_viewport_size(viewport)
            for path, desktop_picture, phone_picture in pages:
                path = path.format(code=journey_kit.code, token=journey_kit.share_token)
                where = f"{path} at {viewport['width']} px"
                expected = 404 if path == "/no-such-page/" else 200
                assert tab.goto(f"{live_server.url}{path}").status == expected, where
                assert serious_violations(tab) == [], where
                assert skipped_heading_levels(tab) == [], where
                assert broken_references(tab) == [], where
                assert sideways_overflow(tab) <= 0, where
                picture = desktop_picture if viewport is DESKTOP else phone_picture
                if picture:
                    readme_screenshot(tab, picture)
    assert problems == []
    for tab, pages in ((page, SIGNED_IN_PAGES), (signed_out, SIGNED_OUT_PAGES)):
        tab.set_viewport_size(REFLOW)
        for path, _, _ in pages:
            path = path.format(code=journey_kit.code, token=journey_kit.share_token)
            tab.goto(f"{live_server.url}{path}")
            assert sideways_overflow(tab) <= 0, f"{path} at 320 px"


def test_the_admin_has_no_serious_violations(
    page: Page, live_server, journey_kit, django_user_model
):
    """The admin included: Django's markup, with the project's two fixes (admin.js, .css)."""
    admin = make_user(django_user_model, "ada", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    question = Question.objects.get(text__startswith="How would you forecast demand")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for path in ADMIN_PAGES:
            path = path.format(question=question.pk, kit=journey_kit.pk)
            where = f"{path} at {viewport['width']} px"
            assert page.goto(f"{live_server.url}{path}").status == 200, where
            if path.endswith(f"/question/{question.pk}/change/"):
                # The two-list picker (roles) is built after the page loads.
                expect(page.locator(".selector-filter").first).to_be_visible()
            assert serious_violations(page) == [], where


def test_the_builder_is_usable_at_phone_width(page: Page, live_server, journey_kit, signed_in):
    signed_in(page.context, journey_kit.owner)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/kits/{journey_kit.code}/")
    for tab, pane, least in (("This kit", "#kit-pane", 20), ("Add questions", "#bank", 20)):
        page.get_by_role("tab", name=tab).click()
        controls = page.locator(
            f"{pane} input, {pane} textarea, {pane} button, {pane} select, {pane} summary"
        ).filter(visible=True)
        assert controls.count() > least, tab
        for index in range(controls.count()):
            control = controls.nth(index)
            box = control.bounding_box()
            assert box is not None, control
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], control
            # Big enough to tap: WCAG 2.2 (2.5.8) asks for 24 by 24 CSS pixels.
            assert box["width"] >= 24 and box["height"] >= 24, control
    page.get_by_role("tab", name="This kit").click()
    first = page.locator("#kit-items > li").first
    first.get_by_label("Minutes").fill("3")
    first.get_by_label("Minutes").press("Tab")
    expect(page.locator("#kit-status")).to_contain_text("Saved question 1: 3 min.")


def test_search_facets_sit_beside_the_results_on_a_wide_screen_and_above_on_a_phone(
    page: Page, live_server, journey_kit, signed_in
):
    signed_in(page.context, journey_kit.owner)
    page.goto(f"{live_server.url}/search/?q=customer")
    facets = page.get_by_role("navigation", name="Narrow down")
    results = page.locator(".search-hits")
    facets_box, results_box = facets.bounding_box(), results.bounding_box()
    assert facets_box["x"] + facets_box["width"] <= results_box["x"]
    assert abs(facets_box["y"] - results_box["y"]) < 50
    page.set_viewport_size(PHONE)
    facets_box, results_box = facets.bounding_box(), results.bounding_box()
    assert facets_box["y"] + facets_box["height"] <= results_box["y"]


def test_every_control_is_reached_by_tab_with_a_visible_focus(
    page: Page, live_server, journey_kit, signed_in
):
    signed_in(page.context, journey_kit.owner)
    page.set_viewport_size(DESKTOP)
    for path in ("/search/?q=customer", "/competencies/strategy/", "/kits/{code}/print/"):
        page.goto(live_server.url + path.format(code=journey_kit.code))
        assert tab_through(page), path

    page.goto(f"{live_server.url}/kits/{journey_kit.code}/")
    reached = {focus["name"] for focus in tab_through(page)}
    for name in (
        "Skip to content",
        "Search questions",
        "Interviewer view",
        "Print / PDF",
        "More",
        "Delete…",
        "Interview prep notes",
        "Add a note",
        "Use the new wording",
        "Minutes",
        "Move question 1 down",
        "Move question 2 up",
        "Remove question 6 from the kit",
        "Share link",
        "Turn sharing off",
        "Words",
        "Competency",
        "Add to the kit",
        "Next →",
        "API",
    ):
        assert name in reached, name


def test_the_skip_link_moves_focus_to_the_content(page: Page, live_server, journey_kit, signed_in):
    signed_in(page.context, journey_kit.owner)
    page.goto(f"{live_server.url}/kits/{journey_kit.code}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="My kits").last).to_be_focused()


# Checks ---------------------------------------------------------------------------------


def tab_through(page: Page) -> list[dict]:
    """Press Tab through the whole page; every stop must be visible and show its focus."""
    stops: list[dict] = []
    page.locator("body").focus()
    for _ in range(400):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["tag"] == "BODY" or (stops and focus == stops[0]):
            return stops
        where = f"{page.url}: {focus}"
        assert focus["focusVisible"], where
        assert focus["outline"] or focus["shadow"], where
        assert focus["width"] > 0 and focus["height"] > 0, where
        assert focus["inViewport"], where
        stops.append(focus)
    raise AssertionError(f"{page.url}: Tab never left the page")


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def skipped_heading_levels(page: Page) -> list[str]:
    """Headings that skip a level (an h2 followed by an h4), or a page not opening with h1."""
    headings = page.evaluate(
        """() => Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]"))
            .filter((h) => h.checkVisibility())
            .map((h) => [Number(h.getAttribute("aria-level") || h.tagName.slice(1)),
                         h.textContent.trim().replace(/\\s+/g, " ").slice(0, 50)])"""
    )
    problems = []
    previous = 0
    for level, text in headings:
        if level > previous + 1:
            problems.append(f"h{level} “{text}” after h{previous}")
        previous = level
    return problems


def broken_references(page: Page) -> list[str]:
    """Labels and ARIA attributes that point at an id the page does not have."""
    return page.evaluate(
        """() => {
          const broken = [];
          for (const element of document.querySelectorAll(
              "[aria-describedby], [aria-labelledby], [aria-controls], label[for]")) {
            for (const name of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
              for (const id of (element.getAttribute(name) || "").split(/\\s+/)) {
                if (id && !document.getElementById(id)) broken.push(`${name}="${id}"`);
              }
            }
          }
          return broken;
        }"""
    )


def sideways_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The focused element: its accessible name (roughly), whether the browser shows it a focus
# ring, and whether it can be seen.
FOCUS = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const label = element.labels && element.labels[0];
  const name = (element.getAttribute("aria-label") || (label && label.textContent)
    || element.textContent || element.value || "").trim().replace(/\\s+/g, " ");
  return {
    name: name,
    tag: element.tagName,
    id: element.id,
    focusVisible: element.matches(":focus-visible"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    width: box.width,
    height: box.height,
    inViewport: box.bottom > 0 && box.top < window.innerHeight
      && box.right > 0 && box.left < window.innerWidth,
  };
}"""
