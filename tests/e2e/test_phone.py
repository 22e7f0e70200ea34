"""Phone width (390×844, issue #11 item 8): every page has a menu, a reachable logout and no
sideways scroll; wide tables scroll inside their card."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 390, 844
# The pages an officer works in, and a role without region data (its own home).
OFFICER_PAGES = [
    "/", "/inventory", "/inventory/runs/1", "/plans", "/plans/zj-fyp14-climate",
    "/plans/zj-fyp14-climate/indicators/non_fossil_share", "/decompose", "/assess",
    "/assess/projects", "/assess/pilots", "/reports", "/account/password",
]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def _login(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/login")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(base + "/**")


def _check_page(page, base: str, path: str, shot) -> None:
    response = page.goto(base + path)
    assert response is not None and response.status == 200, path
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{path} scrolls sideways: {width}px wide at {WIDTH}px"
    assert not page.locator(".mainnav").is_visible()
    menu = page.locator(".navmenu summary")
    assert menu.is_visible(), f"{path}: no menu button"
    menu.click()
    links = page.locator(".navmenu-panel a")
    assert links.count() >= 2 and links.first.is_visible()
    box = page.locator(".navmenu-panel").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    menu.click()  # close it again
    page.locator(".usermenu summary").click()
    logout = page.locator(".usermenu-panel button[type=submit]")
    assert logout.is_visible(), f"{path}: logout not reachable"
    box = logout.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, f"{path}: logout off-screen"
    shot(path)
    page.locator(".usermenu summary").click()


def test_officer_pages_fit_a_phone(live_server, phone, artifacts, password) -> None:
    _login(phone, live_server, "zj.admin", password)

    def shot(path: str) -> None:
        name = path.strip("/").replace("/", "-") or "home"
        phone.screenshot(path=str(artifacts / f"e2e-phone-{name}.png"), full_page=False)

    for path in OFFICER_PAGES:
        _check_page(phone, live_server, path, shot)
    # Logging out from the phone menu works.
    phone.locator(".usermenu summary").click()
    phone.locator(".usermenu-panel button[type=submit]").click()
    phone.wait_for_url(live_server + "/login**")
    assert phone.js_errors == []


def test_a_citizen_lands_on_a_home_that_fits_a_phone(
        live_server, phone, artifacts, password) -> None:
    _login(phone, live_server, "citizen", password)
    _check_page(phone, live_server, "/", lambda _p: phone.screenshot(
        path=str(artifacts / "e2e-phone-citizen-home.png")))
    assert phone.locator("h1").inner_text() == "个人碳账户"
    assert phone.js_errors == []
