"""The public portal in a real browser, logged out, in Chinese, on a desktop and a phone
(issue #11 item 6): the published sets, a status table, a download; nothing unpublished."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("width", "height", "name"), [(1440, 900, "desktop"), (390, 844, "phone")])
def test_an_anonymous_visitor_reads_the_portal(live_server, browser, artifacts, width: int,
                                               height: int, name: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server + "/public")
        assert page.locator("h1").first.inner_text() == "信息公开"
        assert "/login" not in page.url  # no login asked
        inventories = page.locator("#pub-inventories li")
        assert inventories.count() == 1
        assert "浙江省2015—2025年温室气体清单" in inventories.first.inner_text()
        assert page.locator("#pub-plans li").count() == 5
        assert page.locator("#pub-reports li").count() == 1
        # Nothing scrolls sideways on the page itself.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"e2e-portal-01-index-{name}.png"), full_page=True)

        page.locator("#pub-plans li a", has_text="绍兴市").first.click()
        page.wait_for_url(f"{live_server}/public/plans/sx-fyp14-climate/330600")
        table = page.locator("#pub-status-table")
        assert table.locator("tbody tr").count() >= 10
        assert table.locator("span.light").count() >= 1
        assert "set_by_higher_level" not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"e2e-portal-02-plan-{name}.png"), full_page=True)

        page.goto(live_server + "/public/inventory/1/330000")
        headers = page.locator("#pub-inventory-table thead th").all_inner_texts()
        assert headers[0] == "领域" and headers[-1] == "2025"
        with page.expect_download() as download:
            page.locator("a[href$='/download/csv']").first.click()
        assert download.value.suggested_filename == "inventory-330000-run1.csv"
        page.screenshot(path=str(artifacts / f"e2e-portal-03-inventory-{name}.png"),
                        full_page=True)

        # An unpublished region of the same run is not there.
        response = page.goto(live_server + "/public/inventory/1/330100")
        assert response is not None and response.status == 404
        assert not errors
    finally:
        context.close()


def test_a_city_officer_publishes_from_the_desk(live_server, page, artifacts, password) -> None:
    page.goto(live_server + "/login?next=/public/manage")
    page.fill("#username", "sx.city")
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(live_server + "/public/manage")
    assert page.locator("h1").first.inner_text() == "信息发布管理 · 绍兴市"
    page.screenshot(path=str(artifacts / "e2e-portal-04-desk.png"), full_page=True)
    form = page.locator("#desk-inventories form").first
    form.locator("input[name=as_of]").fill("2026-01-15")
    form.locator("button[type=submit]").click()
    page.wait_for_url(live_server + "/public/manage")
    row = page.locator("#desk-history tr", has_text="绍兴市2015—2025年温室气体清单")
    assert row.count() == 1 and "已公开" in row.inner_text()
    page.goto(live_server + "/public")
    assert "绍兴市2015—2025年温室气体清单" in page.locator("#pub-inventories").inner_text()
    assert not page.js_errors
