"""The dashboard in a real browser: login, the Zhejiang map, drilling into Shaoxing's counties."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

MAP = "#region-map"


def _ready(page, **attrs: str) -> None:
    """Wait until the map has drawn with the given data attributes (data-map-region …)."""
    sel = MAP + "[data-ready='1']" + "".join(
        f"[data-{k.replace('_', '-')}='{v}']" for k, v in attrs.items())
    page.wait_for_selector(sel, timeout=20_000)


def test_login_then_drill_from_province_to_shaoxing(
        live_server, page, artifacts, password) -> None:
    page.goto(live_server + "/")
    # Anonymous: sent to the Chinese login form.
    assert page.url.startswith(live_server + "/login?next=")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("#login-form h2").inner_text() == "登录"
    assert page.locator("label[for=username]").inner_text() == "用户名"
    page.screenshot(path=str(artifacts / "e2e-01-login.png"))

    page.fill("#username", "zj.admin")
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")

    # Province view: the 11 cities, drawn as SVG paths.
    _ready(page, map_region="330000", depth="1")
    assert page.locator(MAP).get_attribute("data-feature-count") == "11"
    assert page.locator(f"{MAP} svg path").count() >= 11
    assert page.locator("#breadcrumb [aria-current=page]").inner_text() == "浙江省"
    page.screenshot(path=str(artifacts / "e2e-02-province-cities.png"))

    # The county layer: all 90 county-level units.
    page.check("#show-counties")
    _ready(page, map_region="330000", depth="2")
    assert page.locator(MAP).get_attribute("data-feature-count") == "90"
    assert page.locator(f"{MAP} svg path").count() >= 90
    page.screenshot(path=str(artifacts / "e2e-03-province-counties.png"))
    page.uncheck("#show-counties")
    _ready(page, map_region="330000", depth="1")

    # Click 绍兴市 on the map itself: at the centre of its drawn shape.
    box = page.locator(MAP).bounding_box()
    point = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('region-map'));
            const geo = chart.getModel().getSeriesByIndex(0).coordinateSystem;
            return chart.convertToPixel({seriesIndex: 0}, geo.getRegion('绍兴市').getCenter());
        }""")
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])

    _ready(page, map_region="330600")
    assert page.locator(MAP).get_attribute("data-feature-count") == "6"
    # The panel (and its out-of-band breadcrumb) arrives after the map is drawn.
    page.wait_for_selector("#summary[data-code='330600']")
    crumbs = page.locator("#breadcrumb li").all_inner_texts()
    assert [c.strip() for c in crumbs] == ["浙江省", "绍兴市"]
    assert page.locator("#summary .region-name").inner_text() == "绍兴市"
    assert page.url.endswith("/?region=330600")
    page.wait_for_timeout(400)  # let the map's fade-in finish before the picture
    page.screenshot(path=str(artifacts / "e2e-04-shaoxing.png"))

    # Key statistics of Shaoxing: synthetic demo values marked, the plan's figures quoted.
    page.wait_for_selector("#key-stats-chart[data-ready='1'] svg")
    card = page.locator("#key-stats")
    assert card.locator("h2").inner_text() == "主要指标"
    coal = card.locator("tr[data-key='coal_industrial'] td[data-year='2020']")
    assert coal.locator(".stat-value").inner_text() == "846.60 万"
    assert coal.locator(".mark-stated").get_attribute("title").startswith(
        "规划文本数据 / stated in plan — 降至 2020年的 846.6 万吨")
    assert card.locator("tr[data-key='population'] .mark-synthetic").count() == 2
    assert page.locator(".topbar .badge-synthetic").is_visible()
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(artifacts / "e2e-07-shaoxing-stats.png"))

    # A county: selected on the city map, its details in the panel.
    page.click("#children a[data-region='330603']")
    page.wait_for_selector("#summary[data-code='330603']")
    assert page.locator(MAP).get_attribute("data-selected") == "330603"
    assert [c.strip() for c in page.locator("#breadcrumb li").all_inner_texts()] == [
        "浙江省", "绍兴市", "柯桥区"]
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / "e2e-05-keqiao.png"))

    # Back up through the breadcrumb.
    page.click("#breadcrumb a[data-region='330000']")
    _ready(page, map_region="330000")
    page.wait_for_selector("#summary[data-code='330000']")
    assert page.js_errors == []


def test_city_officer_starts_at_the_city_in_english(
        live_server, page, artifacts, password) -> None:
    page.goto(live_server + "/login?lang=en")
    assert page.locator("#login-form h2").inner_text() == "Log in"
    page.fill("#username", "sx.city")
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    _ready(page, map_region="330600")
    assert page.locator("#summary .region-name").inner_text() == "Shaoxing"
    # The province above the officer's scope is shown, not linked.
    assert page.locator("#breadcrumb a[data-region='330000']").count() == 0
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / "e2e-06-city-officer-en.png"))
    assert page.js_errors == []
