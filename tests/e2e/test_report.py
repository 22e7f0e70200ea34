"""Reports in a real browser: sx.city runs the Shaoxing final evaluation in one click."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_one_click_final_evaluation_of_shaoxing(live_server, page, artifacts, password) -> None:
    page.goto(live_server + "/login?next=/reports")
    page.fill("#username", "sx.city")
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(live_server + "/reports")
    assert page.locator("h1").first.inner_text() == "报告"
    row = page.locator("li[data-plan='sx-fyp14-climate']")
    assert row.count() == 1
    assert page.locator("li[data-plan='zj-fyp14-climate']").count() == 0  # not in scope
    page.screenshot(path=str(artifacts / "e2e-report-01-list.png"), full_page=True)

    # One click: htmx posts, shows the progress line, then opens the preview.
    row.locator("button[data-kind='evaluation_final']").click()
    page.wait_for_url(f"{live_server}/reports/*", timeout=120_000)
    table = page.locator(".rdoc figure.rtable", has_text="主要指标完成情况")
    table.wait_for(timeout=30_000)
    assert page.locator(".rdoc .doc-title").inner_text().endswith("终期评估报告")
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:2] == ["序号", "指标"] and "状态" in headers
    assert table.locator("tbody tr").count() == 14
    assert table.locator("td.tone").count() == 14
    assert page.locator(".rdoc svg").count() >= 2  # status chart + trend charts
    page.screenshot(path=str(artifacts / "e2e-report-02-preview.png"))
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "e2e-report-03-indicators.png"))

    # Download the PDF through the page's own link (the browser's session).
    href = page.locator("a[data-format='pdf']").get_attribute("href")
    response = page.request.get(live_server + href, timeout=120_000)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF") and len(body) > 50_000
    (artifacts / "e2e-report-shaoxing-final.pdf").write_bytes(body)
    assert not page.js_errors
