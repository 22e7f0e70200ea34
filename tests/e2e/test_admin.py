"""Search and user administration in a real browser (Chromium, zh_CN; issue #11 item 9)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def _login(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base) + r"/(\?.*)?$"))


def test_search_from_the_top_bar_is_scoped(live_server, browser, page, artifacts,
                                           password) -> None:
    _login(page, live_server, "zj.admin", password)
    box = page.locator(".topbar .navsearch input[name=q]")
    assert box.get_attribute("placeholder") == "搜索"
    box.fill("绍兴")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=.*"))
    regions = page.locator("section[data-kind=region] a")
    assert "绍兴市" in regions.all_inner_texts()
    assert page.locator("section[data-kind=plan] a").count() >= 1
    page.screenshot(path=str(artifacts / "e2e-admin-01-search-province.png"), full_page=True)
    assert page.js_errors == []

    # A city officer searching for another city finds nothing of it.
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    city = context.new_page()
    _login(city, live_server, "sx.city", password)
    city.locator(".navsearch input[name=q]").fill("杭州")
    city.locator(".navsearch input[name=q]").press("Enter")
    city.wait_for_url(re.compile(r".*/search\?q=.*"))
    assert "0 条结果" in city.locator("#search-count").inner_text()
    assert city.locator("section[data-kind]").count() == 0
    city.screenshot(path=str(artifacts / "e2e-admin-02-search-city.png"))
    context.close()


def test_province_admin_creates_resets_and_disables_an_account(live_server, browser, page,
                                                               artifacts, password) -> None:
    _login(page, live_server, "zj.admin", password)
    page.locator(".usermenu summary").click()
    page.locator(".usermenu-panel a[href='/admin/users']").click()
    page.wait_for_url(live_server + "/admin/users")
    assert page.locator("h2").first.inner_text().startswith("用户与角色")
    assert page.locator("#users tr[data-username='sx.city'] td").nth(3).inner_text() == "绍兴市"
    page.screenshot(path=str(artifacts / "e2e-admin-03-users.png"), full_page=True)

    page.click("text=新建账号")
    page.fill("#username", "e2e.yuecheng")
    page.fill("#display_name", "越城区分局（测试）")
    page.fill("#password", "e2e-first-pass")
    page.select_option("#role", "county_officer")
    page.select_option("#region_code", "330602")
    page.screenshot(path=str(artifacts / "e2e-admin-04-new-user.png"), full_page=True)
    page.click("form.form-grid button[type=submit]")
    page.wait_for_url(live_server + "/admin/users/e2e.yuecheng?done=created")
    assert page.locator("#done").inner_text() == "账号已创建；该用户首次登录时须修改密码"
    assert page.locator("#user-role").inner_text() == "县级用户"

    # The new officer logs in with the first password and is held on the change form until it
    # is replaced (a password an administrator chose, issue #11 item 9); then home opens.
    other = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    officer = other.new_page()
    officer.goto(live_server + "/login")
    officer.fill("#username", "e2e.yuecheng")
    officer.fill("#password", "e2e-first-pass")
    officer.click("#login-form button[type=submit]")
    officer.wait_for_url(re.compile(r".*/account/password$"))
    officer.goto(live_server + "/plans")
    assert officer.url.endswith("/account/password")
    assert "首次" in officer.content() or "管理员" in officer.content()
    officer.fill("#old_password", "e2e-first-pass")
    officer.fill("#new_password", "e2e-own-pass-1")
    officer.fill("#new_password_again", "e2e-own-pass-1")
    officer.click("form[action='/account/password'] button[type=submit]")
    officer.wait_for_url(re.compile(r".*changed=true$"))
    officer.goto(live_server + "/")
    assert not officer.url.endswith("/account/password")
    other.close()

    page.fill("#password", "e2e-second-pass")
    page.fill("#password_again", "e2e-second-pass")
    page.click("form[action$='/password'] button[type=submit]")
    page.wait_for_url(re.compile(r".*done=password$"))
    page.click("form[action$='/disable'] button[type=submit]")
    page.wait_for_url(re.compile(r".*done=disable$"))
    assert page.locator("#user-state").inner_text() == "已停用"
    page.screenshot(path=str(artifacts / "e2e-admin-05-disabled.png"), full_page=True)
    assert page.js_errors == []

    # Disabled: the right new password no longer logs in.
    other = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    officer = other.new_page()
    officer.goto(live_server + "/login")
    officer.fill("#username", "e2e.yuecheng")
    officer.fill("#password", "e2e-second-pass")
    officer.click("#login-form button[type=submit]")
    officer.wait_for_load_state()
    assert "/login" in officer.url and "用户名或密码错误" in officer.content()
    other.close()
