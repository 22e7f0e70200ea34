"""Plans in a browser: a department officer revises an actual, the light turns, a warning comes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

PLAN = "zj-fyp14-climate"
ROW = "#status-table tr[data-indicator='non_fossil_share']"


def test_department_officer_revises_an_actual_and_is_warned(
        live_server, page, artifacts, password) -> None:
    page.goto(live_server + "/login")
    page.fill("#username", "zj.fgw")  # 省发展改革委: owns the non-fossil share indicator
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(live_server + "/**")

    page.goto(f"{live_server}/plans")
    assert page.locator(f"#plans-table tr[data-plan='{PLAN}']").count() == 1
    page.screenshot(path=str(artifacts / "e2e-plan-01-list.png"), full_page=True)

    page.goto(f"{live_server}/plans/{PLAN}")
    page.wait_for_selector("#status-map[data-ready='1']", timeout=20_000)
    before = page.locator(ROW).get_attribute("data-status")
    assert before == "green"  # 24.5 % computed from the demo statistics against ≥ 24 %
    # the badge counts the warnings in force this officer answers for (issue #11 item 5)
    start = int(page.locator("#notif-badge").get_attribute("data-count"))
    assert page.locator("#plan-defects").count() == 1  # the draft's defects are shown
    page.screenshot(path=str(artifacts / "e2e-plan-02-overview.png"), full_page=True)

    page.click(f"{ROW} a")
    page.wait_for_selector("#indicator-chart[data-ready='1']", timeout=20_000)
    page.fill("#actual-form input[name=year]", "2025")
    page.fill("#actual-form input[name=value]", "21.0")
    page.fill("#actual-form input[name=source]", "2025 年浙江省统计公报（修订）")
    page.click("#actual-form button[type=submit]")
    page.wait_for_selector("#saved-notice")
    assert page.locator("#indicator-status tr").get_attribute("data-status") == "red"
    assert page.locator("#history tr[data-year='2025'][data-revision='2']").count() == 1
    assert page.locator("#history tr.superseded[data-year='2025']").count() == 1
    assert int(page.locator("#notif-badge").get_attribute("data-count")) == start + 1
    page.screenshot(path=str(artifacts / "e2e-plan-03-indicator.png"), full_page=True)

    page.goto(f"{live_server}/plans/{PLAN}")
    assert page.locator(ROW).get_attribute("data-status") == "red"

    page.click("#notif-link")
    row = page.locator("#notifications tr.unread[data-kind='status_warning']").first
    assert "非化石能源" in row.inner_text()
    page.screenshot(path=str(artifacts / "e2e-plan-04-warnings.png"), full_page=True)
    assert page.js_errors == []
