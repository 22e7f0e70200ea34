"""Assessment in a real browser: 柯桥区 self-assesses with evidence, 绍兴市 reviews and signs off,
and anyone reads the public edition without logging in."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _login(page, base: str, username: str, password: str, next_path: str = "/assess") -> None:
    page.goto(f"{base}/login?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}{next_path}*")


def _logout(page) -> None:
    page.click(".usermenu summary")
    page.click(".usermenu-panel button[type=submit]")


def test_self_assess_review_sign_off_and_publish(live_server, page, artifacts, password,
                                                 tmp_path) -> None:
    # --- 柯桥区 fills in its self-assessment and uploads evidence --------------------------
    _login(page, live_server, "kq.county", password)
    page.click("#schemes a[href^='/assess/schemes/']")
    scheme_url = page.url.split("?")[0]
    scheme_id = scheme_url.rsplit("/", 1)[1]
    assert page.locator("#workflow").get_attribute("data-state") == "self_assessment"
    assert page.locator("#scheme-state").inner_text() == "自评"
    assert page.locator(".as-tabs").count() == 0  # the county sees only itself
    qualitative = page.locator("#items-table tr[data-kind=qualitative]")
    assert qualitative.count() == 4
    first = qualitative.first
    item_id = first.get_attribute("data-item")
    # Scores typed first, evidence uploaded after, nothing saved in between: the upload keeps
    # the typed scores (issue #11: it used to wipe them).
    for i in range(qualitative.count()):
        row = qualitative.nth(i)
        row.locator("input[name^=score_]").fill("8.5")
        row.locator("input[name^=note_]").fill("已按要求落实（演示）")
    evidence = tmp_path / "柯桥区工作专班文件.pdf"
    evidence.write_bytes(PDF)
    first.locator("input[type=file]").set_input_files(str(evidence))
    first.locator(".as-upload button[type=submit]").click()
    page.wait_for_selector(f"#items-table tr[data-item='{item_id}'] .as-ev a")
    assert "柯桥区工作专班文件.pdf" in page.locator(
        f"#items-table tr[data-item='{item_id}'] .as-ev").inner_text()
    for i in range(qualitative.count()):
        row = qualitative.nth(i)
        assert row.locator("input[name^=score_]").input_value() == "8.5"
        assert row.locator("input[name^=note_]").input_value() == "已按要求落实（演示）"
    page.click("#submit-self")
    page.wait_for_selector(".as-small:has-text('自评提交人')")
    page.screenshot(path=str(artifacts / "e2e-assess-01-county-self.png"), full_page=True)
    assert page.js_errors == []
    _logout(page)

    # --- 绍兴市 closes self-assessment, reviews 柯桥区 and signs off --------------------------
    _login(page, live_server, "sx.city", password, f"/assess/schemes/{scheme_id}")
    page.click("button[data-action=start_review]")
    page.wait_for_selector("#workflow[data-state=city_review]")
    page.click(".as-tabs a:has-text('柯桥区')")
    page.wait_for_selector("#save-review")
    row = page.locator(f"#items-table tr[data-item='{item_id}']")
    assert "8.5" in row.inner_text()
    row.locator("input[name^=review_]").fill("7")
    row.locator("input[name^=comment_]").fill("佐证材料较完整，核减 1.5 分")
    page.click("#save-review")
    page.wait_for_selector(f"#items-table tr[data-item='{item_id}'] input[value='7.0'], "
                           f"#items-table tr[data-item='{item_id}'] input[value='7']")
    page.screenshot(path=str(artifacts / "e2e-assess-02-city-review.png"), full_page=True)
    page.click("button[data-action=sign_off]")
    page.wait_for_selector("#workflow[data-state=signed_off]")
    assert page.locator("#ranking tbody tr").count() == 6
    assert page.locator("#rectifications").count() == 1
    # 柯桥区 passes on the demo's own (synthetic-marked) county data: all 12 quantitative items
    # score from its indicator status (issue #11 item 4).
    keqiao = page.locator("#ranking tbody tr", has_text="柯桥区")
    assert keqiao.locator(".as-grade").get_attribute("class").split()[-1] in (
        "as-grade-pass", "as-grade-good", "as-grade-excellent")
    assert float(keqiao.locator("td.num .alt-name").inner_text().rstrip("%")) >= 60
    page.screenshot(path=str(artifacts / "e2e-assess-03-signed-off.png"), full_page=True)
    assert page.js_errors == []
    _logout(page)

    # --- the public edition, logged out -----------------------------------------------------
    page.goto(f"{live_server}/assess/public/{scheme_id}")
    assert page.url == f"{live_server}/assess/public/{scheme_id}"
    table = page.locator("#public-ranking")
    assert table.locator("tbody tr").count() == 6
    text = page.locator("main").inner_text()
    assert "柯桥区" in text and "佐证材料较完整" not in text and "工作专班文件" not in text
    page.screenshot(path=str(artifacts / "e2e-assess-04-public.png"), full_page=True)
    response = page.request.get(f"{live_server}/api/v1/assess/public/{scheme_id}")
    assert response.ok and "review_comment" not in response.text()


def test_pilot_registry_map(live_server, page, artifacts, password) -> None:
    _login(page, live_server, "zj.admin", password, "/assess/pilots")
    page.wait_for_selector("#pilots-map[data-ready='1']", timeout=20_000)
    assert page.locator("#pilots-map").get_attribute("data-feature-count") == "11"
    assert page.locator("#pilots tbody tr").count() >= 25
    page.screenshot(path=str(artifacts / "e2e-assess-05-pilots.png"), full_page=True)
    page.click("#pilots tbody tr a")
    page.wait_for_selector("#timeline li")
    page.screenshot(path=str(artifacts / "e2e-assess-06-pilot-detail.png"), full_page=True)
    assert page.js_errors == []
