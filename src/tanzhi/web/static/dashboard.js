/* tanzhi dashboard: ECharts map of a region's subdivisions, drilling province → city → county.
 * The map container exposes its state on data attributes (data-map-region, data-depth,
 * data-feature-count, data-selected, data-ready) so tests and tools can read what is drawn. */
(function () {
  "use strict";

  var el = document.getElementById("region-map");
  if (!el || !window.echarts) { return; }

  var english = (el.dataset.locale || "").indexOf("en") === 0;
  // One muted hue per city, in GB/T 2260 order (330100 … 331100); counties take their city's hue.
  var PALETTE = ["#4f7cac", "#5fa39b", "#7ea46b", "#c0a45a", "#8f79ad", "#4f9cb8", "#cf8a5a",
                 "#6c8fc7", "#5b9bb5", "#7fae93", "#a99a6f", "#8a9bb0"];
  var chart = echarts.init(el, null, { renderer: "svg" });
  var state = { mapRegion: null, depth: 0, features: {}, selected: null };
  var toggle = document.getElementById("show-counties");
  var toggleBox = document.getElementById("county-toggle");

  window.addEventListener("resize", function () { window.tanzhiResize(chart); });

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) { throw new Error(url + " → " + r.status); }
        return r.json();
      });
  }

  function hueOf(code) {
    var city = parseInt(code.slice(2, 4), 10);  // 330600 → 6
    return PALETTE[(city - 1 + PALETTE.length) % PALETTE.length];
  }

  function itemsOf(features, depth) {
    return features.map(function (f, i) {
      var p = f.properties;
      var base = hueOf(p.code);
      // Neighbouring counties of one city alternate tints so their borders read clearly.
      var color = p.level === "city" ? base : echarts.color.lift(base, depth === 2 ? (i % 3) * 0.12 : 0.1 + (i % 4) * 0.1);
      return { name: p.name, code: p.code, level: p.level, nameEn: p.name_en,
               itemStyle: { areaColor: echarts.color.modifyAlpha(color, 0.78) } };
    });
  }

  function drawMap(code, depth) {
    el.dataset.ready = "0";
    chart.showLoading({ text: el.dataset.loadingText || "", color: "#1f5fae", maskColor: "rgba(255,255,255,.6)" });
    var mapName = "r" + code + "d" + depth;
    return getJSON("/api/v1/regions/" + code + "/geojson?depth=" + depth).then(function (geo) {
      echarts.registerMap(mapName, geo);
      state.features = {};
      geo.features.forEach(function (f) { state.features[f.properties.code] = f.properties; });
      chart.hideLoading();
      return window.tanzhiDrawMap(el, chart, function () { paint(geo); });
    });

    function paint(geo) {
      var many = geo.features.length > 30;
      chart.setOption({
        tooltip: {
          trigger: "item", borderColor: "#dfe4ea", textStyle: { color: "#1c2430", fontSize: 13 },
          formatter: function (p) {
            var d = p.data || {}, esc = echarts.format.encodeHTML;
            return "<strong>" + esc(english ? d.nameEn : p.name) + "</strong><br>" +
                   esc(english ? p.name : d.nameEn) + "<br><span style=\"color:#7a8494\">" + esc(d.code || "") + "</span>";
          }
        },
        series: [{
          type: "map", map: mapName, roam: true, selectedMode: "single",
          layoutCenter: ["50%", "50%"], layoutSize: "95%", scaleLimit: { min: 0.8, max: 8 },
          label: {
            show: !many, fontSize: 12, color: "#1c2430", textBorderColor: "#fff", textBorderWidth: 2,
            formatter: function (p) { return english && p.data ? p.data.nameEn : p.name; }
          },
          itemStyle: { borderColor: "#ffffff", borderWidth: many ? 0.6 : 1.2 },
          emphasis: {
            label: { show: true, fontWeight: "bold" },
            itemStyle: { areaColor: "#ffd166", borderColor: "#0d2c54", borderWidth: 1.2 }
          },
          select: {
            label: { show: true, fontWeight: "bold", color: "#0d2c54" },
            itemStyle: { areaColor: "#d98e04", borderColor: "#0d2c54", borderWidth: 1.5 }
          },
          data: itemsOf(geo.features, depth)
        }]
      }, true);
      state.mapRegion = code;
      state.depth = depth;
      state.selected = null;
      el.dataset.mapRegion = code;
      el.dataset.depth = String(depth);
      el.dataset.featureCount = String(geo.features.length);
      el.dataset.selected = "";
      el.dataset.ready = "1";
    }
  }

  function select(code) {
    var props = state.features[code];
    if (state.selected && state.selected !== code) {
      var old = state.features[state.selected];
      if (old) { chart.dispatchAction({ type: "unselect", seriesIndex: 0, name: old.name }); }
    }
    state.selected = props ? code : null;
    el.dataset.selected = state.selected || "";
    if (props) { chart.dispatchAction({ type: "select", seriesIndex: 0, name: props.name }); }
  }

  function loadPanel(code) {
    if (window.htmx) {
      return htmx.ajax("GET", "/?region=" + encodeURIComponent(code), { target: "#panel", swap: "innerHTML" });
    }
    window.location.href = "/?region=" + encodeURIComponent(code);
    return Promise.resolve();
  }

  // Open region `code`: redraw the map if the region needs another one, select it, load the panel.
  function show(code, opts) {
    opts = opts || {};
    var clicked = state.features[code];
    return getJSON("/api/v1/dashboard?region=" + encodeURIComponent(code)).then(function (s) {
      var level = s.region.level;
      var target = s.map_region, depth = 1;
      if (level === "province") { depth = toggle && toggle.checked ? 2 : 1; }
      else if (clicked && level !== "city") { target = state.mapRegion; depth = state.depth; }
      if (toggleBox) { toggleBox.hidden = target !== s.lineage[0].code || s.lineage[0].level !== "province"; }
      var ready = (target === state.mapRegion && depth === state.depth) ? Promise.resolve() : drawMap(target, depth);
      return ready.then(function () {
        select(level === "city" || level === "province" ? null : code);
        el.dataset.region = code;
        if (opts.push !== false) { history.pushState({ region: code }, "", "/?region=" + code); }
        return loadPanel(code);
      });
    }).catch(function (err) { console.error(err); });  // eslint-disable-line no-console
  }

  chart.on("click", function (p) {
    if (p.data && p.data.code) { show(p.data.code); }
  });

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[data-region]") : null;
    if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey) { return; }
    ev.preventDefault();
    show(a.dataset.region);
  });

  if (toggle) {
    toggle.addEventListener("change", function () {
      if (state.mapRegion) { drawMap(state.mapRegion, toggle.checked ? 2 : 1); }
    });
  }

  window.addEventListener("popstate", function (ev) {
    var code = (ev.state && ev.state.region) || el.dataset.initialRegion;
    if (code) { show(code, { push: false }); }
  });

  // Key statistics: energy total and constant-price GDP, 2015–2025, on two axes. Points a plan
  // states are drawn as diamonds; the panel is re-rendered by htmx, so redraw after each swap.
  var statsChart = null;
  function drawStats() {
    var box = document.getElementById("key-stats-chart");
    if (statsChart) { statsChart.dispose(); statsChart = null; }
    if (!box) { return; }
    var d = box.dataset, years = JSON.parse(d.years);
    function points(values, flags) {
      return values.map(function (v, i) {
        return flags[i] === false && v !== null
          ? { value: v, symbol: "diamond", symbolSize: 10, stated: true } : { value: v };
      });
    }
    function line(name, values, flags, color, axis) {
      return { name: name, type: "line", yAxisIndex: axis, data: points(values, flags),
               smooth: false, symbol: "circle", symbolSize: 5, lineStyle: { width: 2, color: color },
               itemStyle: { color: color } };
    }
    function fmt(v) { return v === null || v === undefined ? "—" : Math.round(v).toLocaleString(english ? "en" : "zh-CN"); }
    statsChart = echarts.init(box, null, { renderer: "svg" });
    statsChart.setOption({
      animation: false,
      grid: { left: 48, right: 48, top: 56, bottom: 24 },
      legend: { top: 0, left: 0, orient: "vertical", itemGap: 4, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11.5, color: "#4a5565" } },
      tooltip: { trigger: "axis", textStyle: { fontSize: 12 }, formatter: function (ps) {
        var out = ps[0].axisValue;
        ps.forEach(function (p) {
          out += "<br>" + p.marker + echarts.format.encodeHTML(p.seriesName) + "：<strong>" + fmt(p.value) + "</strong>" +
                 (p.data && p.data.stated ? " (" + echarts.format.encodeHTML(d.statedLabel) + ")" : "");
        });
        return out;
      } },
      xAxis: { type: "category", data: years, boundaryGap: false,
               axisLine: { lineStyle: { color: "#b8c0cc" } }, axisLabel: { color: "#4a5565", fontSize: 11 } },
      yAxis: [0, 1].map(function (i) {
        return { type: "value", scale: true, splitNumber: 4, position: i ? "right" : "left",
                 splitLine: { show: !i, lineStyle: { color: "#eef1f4" } },
                 axisLabel: { color: i ? "#0f8b8d" : "#1f5fae", fontSize: 11, formatter: fmt } };
      }),
      series: [line(d.energyLabel, JSON.parse(d.energy), JSON.parse(d.energySynthetic), "#1f5fae", 0),
               line(d.gdpLabel, JSON.parse(d.gdp), JSON.parse(d.gdpSynthetic), "#0f8b8d", 1)]
    });
    box.dataset.ready = "1";
  }
  window.addEventListener("resize", function () { if (statsChart) { statsChart.resize(); } });
  document.body.addEventListener("htmx:afterSettle", drawStats);
  drawStats();

  el.dataset.initialRegion = el.dataset.region;
  history.replaceState({ region: el.dataset.region }, "", window.location.href);
  drawMap(el.dataset.mapRegion, 1).then(function () {
    if (el.dataset.region !== el.dataset.mapRegion) { select(el.dataset.region); }
  });
})();
