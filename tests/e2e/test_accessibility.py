"""axe-core on the main pages: no serious or critical violations, at desktop and phone width."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

PAGES = [
    "/",
    "/competencies/strategy/",
    "/questions/how-would-you-go-about-forecasting-demand-for-a-new/",
    "/roles/e-commerce-operations-manager/",
]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_main_pages_have_no_serious_accessibility_violations(
    page: Page, live_server, bank, recruiter_user, sign_in, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "rita")
    for path in PAGES:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert serious_violations(page) == [], path


def test_the_sign_in_page_has_no_serious_accessibility_violations(page: Page, live_server, e2e_db):
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious_violations(page) == []


def test_pages_do_not_scroll_sideways_at_phone_width(
    page: Page, live_server, bank, recruiter_user, sign_in
):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "rita")
    for path in PAGES:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
