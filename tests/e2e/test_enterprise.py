"""Enterprise MRV in a real browser, in Chinese, on a desktop and a phone (issue #12 items 3-5,
7): an enterprise reports a month with evidence, a verifier raises and closes a
non-conformity, the authority approves; a month reported twice and a verifier on an enterprise
not assigned to it get a located refusal and nothing is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

DYEING = "91330603MA2DM00015"  # 柯桥演示印染 (demo), verifier "verifier"
PDF = b"%PDF-1.4\n% heat invoice (synthetic)\n"


def _login(browser, base: str, username: str, password: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(base + "/")
    return context, page


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "height", "name", "month"), [
    (1440, 900, "desktop", 10), (390, 844, "phone", 11)])
def test_report_verify_approve(live_server, browser, artifacts, password, tmp_path: Path,
                               width: int, height: int, name: str, month: int) -> None:
    shot = lambda page, step: page.screenshot(  # noqa: E731
        path=str(artifacts / f"e2e-enterprise-{step}-{name}.png"), full_page=True)
    evidence = tmp_path / "热力结算单.pdf"
    evidence.write_bytes(PDF)

    # 1. The enterprise: its home lists the file; it reports a month with evidence.
    context, page = _login(browser, live_server, "ent.reporter", password, width, height)
    try:
        page.locator(f"#role-work a[href='/enterprise/e/{DYEING}']").click()
        page.wait_for_url(f"{live_server}/enterprise/e/{DYEING}")
        assert page.locator("h1").first.inner_text() == "柯桥演示印染有限公司（演示）"
        form = page.locator("#new-report")
        form.locator("input[name=year]").fill("2025")
        form.locator("input[name=month]").fill(str(month))
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/enterprise/reports/\d+$"))
        report_url = page.url
        assert f"2025年{month}月" in page.locator("h1").inner_text()
        page.locator("#evidence-form input[type=file]").set_input_files(str(evidence))
        page.locator("#evidence-form button[type=submit]").click()
        page.wait_for_url(report_url)
        assert "热力结算单.pdf" in page.locator("#evidence").inner_text()
        line = page.locator("#add-line")
        line.locator("select[name=source_kind]").select_option("heat")
        line.locator("input[name=item]").fill("热力")
        line.locator("input[name=quantity]").fill("1000")
        line.locator("input[name=unit]").fill("GJ")
        line.locator("select[name=evidence_id]").select_option(label="热力结算单.pdf")
        line.locator("button[type=submit]").click()
        page.wait_for_url(report_url)
        # 1,000 GJ × 0.11 t CO2/GJ (GB/T 32150 default heat factor, through the account)
        assert page.locator("#total-co2e").inner_text() == "110"
        shot(page, "01-draft")
        _no_sideways_scroll(page, width)
        page.locator("#submit").click()
        page.wait_for_url(report_url)
        assert page.locator("#status").inner_text() == "已提交"

        # The same month again: a located refusal on the file page, nothing written.
        page.goto(f"{live_server}/enterprise/e/{DYEING}")
        before = page.locator("#reports tbody tr").count()
        form = page.locator("#new-report")
        form.locator("input[name=year]").fill("2025")
        form.locator("input[name=month]").fill(str(month))
        form.locator("button[type=submit]").click()
        problem = page.locator("#problems")
        assert f"2025年{month}月已报告" in problem.inner_text() and "month" in problem.inner_text()
        assert page.locator("#reports tbody tr").count() == before
        shot(page, "02-month-twice")
    finally:
        context.close()

    # 2. A verifier not assigned to the enterprise is refused; nothing is written.
    context, page = _login(browser, live_server, "verifier.b", password, width, height)
    try:
        response = page.goto(report_url)
        assert response is not None and response.status == 403
        assert "不在您的范围内" in page.content()
    finally:
        context.close()

    # 3. The assigned verifier starts, raises a non-conformity.
    context, page = _login(browser, live_server, "verifier", password, width, height)
    try:
        page.locator("#role-work a[href='/enterprise/verify']").click()
        page.locator(f"#work a[href='{report_url.removeprefix(live_server)}']").click()
        page.wait_for_url(report_url)
        page.locator("#start").click()
        page.wait_for_url(report_url)
        assert page.locator("#status").inner_text() == "核查中"
        page.locator("#raise-nc textarea").fill("热力结算单未加盖供热单位公章")
        page.locator("#raise-nc button[type=submit]").click()
        page.wait_for_url(report_url)
        assert page.locator("#nc-register .nc-state").first.inner_text() == "待整改"
        shot(page, "03-nonconformity")
    finally:
        context.close()

    # 4. The enterprise responds.
    context, page = _login(browser, live_server, "ent.reporter", password, width, height)
    try:
        page.goto(report_url)
        respond = page.locator("#nc-register form").first
        respond.locator("input[name=response]").fill("已补充盖章结算单")
        respond.locator("button[type=submit]").click()
        page.wait_for_url(report_url)
        assert page.locator("#nc-register .nc-state").first.inner_text() == "已回复"
    finally:
        context.close()

    # 5. The verifier closes it, works the checklist and concludes.
    context, page = _login(browser, live_server, "verifier", password, width, height)
    try:
        page.goto(report_url)
        close = page.locator("#nc-register form").first
        close.locator("input[name=note]").fill("整改到位")
        close.locator("button[type=submit]").click()
        page.wait_for_url(report_url)
        assert page.locator("#nc-register .nc-state").first.inner_text() == "已关闭"
        while page.locator("#verification tr[data-check]", has_text="待核查").count():
            row = page.locator("#verification tr[data-check]", has_text="待核查").first
            row.locator("button[type=submit]").click()
            page.wait_for_url(report_url)
        page.locator("#verify textarea").fill("数据真实完整，符合核算指南要求")
        page.locator("#verify button[type=submit]").click()
        page.wait_for_url(report_url)
        assert page.locator("#status").inner_text() == "已核查"
        shot(page, "04-verified")
    finally:
        context.close()

    # 6. The authority approves from its list.
    context, page = _login(browser, live_server, "zj.admin", password, width, height)
    try:
        page.goto(live_server + "/enterprise")
        row = page.locator(f"#enterprises tr[data-credit-code='{DYEING}']")
        row.locator(f"a[href='{report_url.removeprefix(live_server)}']").click()
        page.wait_for_url(report_url)
        page.locator("#approve").click()
        page.wait_for_url(report_url)
        assert page.locator("#status").inner_text() == "已审定"
        assert page.locator("#total-co2e").inner_text() == "110"
        steps = page.locator("#steps li").all_inner_texts()
        assert [s.split(" · ")[1] for s in steps] == ["新建", "提交", "开始核查", "核查通过",
                                                        "审定"]
        _no_sideways_scroll(page, width)
        shot(page, "05-approved")
        assert not page.js_errors
    finally:
        context.close()
