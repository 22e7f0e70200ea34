/* tanzhi inventory workspace (温室气体清单工作台): ECharts for the overview page.
 * Served by tanzhi.inventory.pages at /inventory/assets/workspace.js (the CSP allows no inline
 * script).  The page hands its figures over in <script type="application/json" id="inv-data">;
 * each chart box gets data-ready="1" once drawn, so tests and tools can tell what is shown. */
(function () {
  "use strict";

  // Year/region pickers submit on change (no inline handlers under the CSP).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosubmit] select"), function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // Monte Carlo / long buttons: disable while htmx works.
  document.body.addEventListener("htmx:beforeRequest", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button") : null;
    if (b) { b.disabled = true; }
  });
  document.body.addEventListener("htmx:afterRequest", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button") : null;
    if (b) { b.disabled = false; }
  });

  var blob = document.getElementById("inv-data");
  if (!blob || !window.echarts) { return; }
  var D = JSON.parse(blob.textContent);
  var english = (D.locale || "").indexOf("en") === 0;
  var SCALE = D.scale || 1e4;
  var UNIT = D.unit;
  // Sector colours follow the guideline's order: energy, IPPU, agriculture, LULUCF, waste.
  var SECTOR_COLORS = { "1": "#1f5fae", "2": "#d98e04", "3": "#7ea46b", "4": "#0f8b8d", "5": "#8f79ad" };
  var PALETTE = ["#1f5fae", "#d98e04", "#7ea46b", "#0f8b8d", "#8f79ad", "#cf5a5a", "#4f9cb8",
                 "#a99a6f", "#6c8fc7", "#c07aa3", "#5fa39b", "#8a9bb0", "#b5835a", "#3d6b8f"];
  var charts = [];
  var AXIS = { axisLine: { lineStyle: { color: "#b8c0cc" } }, axisLabel: { color: "#4a5565", fontSize: 11 } };

  function fmt(v, digits) {
    if (v === null || v === undefined || isNaN(v)) { return "—"; }
    return Number(v).toLocaleString(english ? "en" : "zh-CN",
      { maximumFractionDigits: digits === undefined ? 2 : digits, minimumFractionDigits: 0 });
  }
  function scaled(t) { return t === null || t === undefined ? null : t / SCALE; }
  function esc(s) { return echarts.format.encodeHTML(String(s)); }

  function make(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.on("finished", function () { el.dataset.ready = "1"; });
    charts.push(chart);
    return chart;
  }

  // ---- stacked time series: sector | gas | fuel ---------------------------------------------
  var ts = make("chart-series");
  function drawSeries(by) {
    if (!ts) { return; }
    var groups = D.series[by] || [];
    var net = D.years.map(function (_, i) {
      var s = 0, any = false;
      groups.forEach(function (g) { if (g.values[i] !== null) { s += g.values[i]; any = true; } });
      return any ? scaled(s) : null;
    });
    var series = groups.map(function (g, i) {
      return {
        name: g.name, type: "bar", stack: "total", barMaxWidth: 34,
        itemStyle: { color: by === "sector" ? (SECTOR_COLORS[g.key] || PALETTE[i % PALETTE.length]) : PALETTE[i % PALETTE.length] },
        emphasis: { focus: "series" },
        data: g.values.map(scaled)
      };
    });
    series.push({ name: D.labels.net_total, type: "line", data: net, symbol: "circle", symbolSize: 6,
                  lineStyle: { color: "#1c2430", width: 2 }, itemStyle: { color: "#1c2430" }, z: 5 });
    ts.setOption({
      animation: false,
      title: { text: D.labels["series_" + by], subtext: UNIT, left: 0, top: 0,
               textStyle: { fontSize: 14, color: "#1c2430" }, subtextStyle: { color: "#7a8494" } },
      legend: { type: "scroll", top: 0, right: 0, width: "60%", textStyle: { fontSize: 11.5, color: "#4a5565" } },
      grid: { left: 64, right: 16, top: 64, bottom: 28 },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" }, confine: true, textStyle: { fontSize: 12 },
        formatter: function (ps) {
          var out = "<strong>" + esc(ps[0].axisValue) + "</strong> <span style=\"color:#7a8494\">" + esc(UNIT) + "</span>";
          ps.forEach(function (p) {
            if (p.value === null || p.value === undefined) { return; }
            out += "<br>" + p.marker + esc(p.seriesName) + "：<strong>" + fmt(p.value) + "</strong>";
          });
          return out;
        }
      },
      xAxis: Object.assign({ type: "category", data: D.years }, AXIS),
      yAxis: Object.assign({ type: "value", splitLine: { lineStyle: { color: "#eef1f4" } } }, AXIS,
                           { axisLabel: { color: "#4a5565", fontSize: 11, formatter: function (v) { return fmt(v, 0); } } }),
      series: series
    }, true);
    var box = document.getElementById("chart-series");
    box.dataset.by = by;
    box.dataset.seriesCount = String(groups.length);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-series-by]"), function (btn) {
    btn.addEventListener("click", function () {
      Array.prototype.forEach.call(document.querySelectorAll("[data-series-by]"), function (b) {
        b.setAttribute("aria-pressed", b === btn ? "true" : "false");
      });
      drawSeries(btn.dataset.seriesBy);
    });
  });
  drawSeries("sector");

  // ---- treemap by category (positive emissions of the chosen year) ---------------------------
  var tm = make("chart-treemap");
  if (tm) {
    tm.setOption({
      animation: false,
      title: { text: D.labels.treemap, subtext: UNIT, left: 0, top: 0,
               textStyle: { fontSize: 14, color: "#1c2430" }, subtextStyle: { color: "#7a8494" } },
      tooltip: { confine: true, formatter: function (p) {
        var path = (p.treePathInfo || []).slice(1).map(function (x) { return x.name; }).join(" › ");
        return esc(path) + "<br><strong>" + fmt(p.value) + "</strong> " + esc(UNIT);
      } },
      series: [{
        type: "treemap", top: 56, left: 0, right: 0, bottom: 24, roam: false, nodeClick: "zoomToNode",
        breadcrumb: { show: true, bottom: 0, itemStyle: { color: "#e8f0fa", textStyle: { color: "#0d2c54" } } },
        upperLabel: { show: true, height: 20, color: "#fff", fontWeight: "bold" },
        label: { fontSize: 11.5, formatter: function (p) { return p.name + "\n" + fmt(p.value, 1); } },
        levels: [
          { itemStyle: { borderColor: "#fff", borderWidth: 2, gapWidth: 2 } },
          { itemStyle: { borderColor: "#fff", borderWidth: 1, gapWidth: 1 }, colorSaturation: [0.35, 0.6] }
        ],
        data: D.treemap.map(function (s) {
          return { name: s.name, itemStyle: { color: SECTOR_COLORS[s.key] || "#8a9bb0" },
                   children: s.children.map(function (c) { return { name: c.name, value: scaled(c.value) }; }) };
        })
      }]
    });
  }

  // ---- fuel → sector Sankey (energy CO2 of the chosen year) ---------------------------------
  var sk = make("chart-sankey");
  if (sk) {
    var nodes = D.sankey.nodes.map(function (n, i) {
      return { name: n.name, itemStyle: { color: n.side === "sector" ? "#0d2c54" : PALETTE[i % PALETTE.length] } };
    });
    sk.setOption({
      animation: false,
      title: { text: D.labels.sankey, subtext: UNIT, left: 0, top: 0,
               textStyle: { fontSize: 14, color: "#1c2430" }, subtextStyle: { color: "#7a8494" } },
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        if (p.dataType === "edge") {
          return esc(p.data.source) + " → " + esc(p.data.target) + "<br><strong>" + fmt(p.value) + "</strong> " + esc(UNIT);
        }
        return esc(p.name) + "<br><strong>" + fmt(p.value) + "</strong> " + esc(UNIT);
      } },
      series: [{
        type: "sankey", top: 56, bottom: 8, left: 4, right: 190, nodeWidth: 14, nodeGap: 8,
        emphasis: { focus: "adjacency" }, draggable: false,
        lineStyle: { color: "gradient", opacity: 0.35, curveness: 0.5 },
        label: { fontSize: 11.5, color: "#1c2430", width: 180, overflow: "truncate" },
        data: nodes,
        links: D.sankey.links.map(function (l) { return { source: l.source, target: l.target, value: scaled(l.value) }; })
      }]
    });
  }

  // ---- map of the child regions, coloured by net CO2e ----------------------------------------
  var mapBox = document.getElementById("chart-map");
  if (mapBox && D.map && D.map.items.length) {
    var mc = make("chart-map");
    mc.showLoading({ text: D.labels.loading, color: "#1f5fae", maskColor: "rgba(255,255,255,.6)" });
    fetch("/api/v1/regions/" + encodeURIComponent(D.map.region) + "/geojson?depth=1",
          { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("geojson " + r.status); } return r.json(); })
      .then(function (geo) {
        var byCode = {};
        D.map.items.forEach(function (it) { byCode[it.code] = it; });
        var data = [], values = [];
        geo.features.forEach(function (f) {
          var p = f.properties, it = byCode[p.code];
          var v = it ? scaled(it.value) : null;
          if (v !== null) { values.push(v); }
          data.push({ name: p.name, code: p.code, nameEn: p.name_en, value: v });
        });
        var name = "inv" + D.map.region;
        echarts.registerMap(name, geo);
        mc.hideLoading();
        return window.tanzhiDrawMap(mapBox, mc, function () { drawMap(geo, data, values, byCode, name); });
      })
      .catch(function (err) {
        mc.hideLoading();
        mapBox.dataset.error = String(err);
        console.error(err);  // eslint-disable-line no-console
      });
  }

  function drawMap(geo, data, values, byCode, name) {
    mc.setOption({
      animation: false,
      title: { text: D.labels.map, subtext: UNIT, left: 0, top: 0,
               textStyle: { fontSize: 14, color: "#1c2430" }, subtextStyle: { color: "#7a8494" } },
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        var d = p.data || {};
        return "<strong>" + esc(english ? (d.nameEn || p.name) : p.name) + "</strong> <span style=\"color:#7a8494\">" +
               esc(d.code || "") + "</span><br>" + fmt(p.value) + " " + esc(UNIT);
      } },
      visualMap: { type: "continuous", min: values.length ? Math.min.apply(null, values) : 0,
                   max: values.length ? Math.max.apply(null, values) : 1, left: 0, bottom: 8,
                   itemHeight: 110, calculable: false, precision: 0,
                   text: [D.labels.high, D.labels.low], textStyle: { fontSize: 11, color: "#4a5565" },
                   inRange: { color: ["#e8f0fa", "#8fb3dd", "#1f5fae", "#0d2c54"] } },
      series: [{
        type: "map", map: name, roam: false, layoutCenter: ["55%", "55%"], layoutSize: "88%",
        label: { show: geo.features.length <= 30, fontSize: 11, color: "#1c2430",
                 textBorderColor: "#fff", textBorderWidth: 2,
                 formatter: function (p) { return english && p.data ? p.data.nameEn : p.name; } },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        emphasis: { label: { show: true, fontWeight: "bold" }, itemStyle: { areaColor: "#ffd166" } },
        data: data
      }]
    });
    mapBox.dataset.featureCount = String(geo.features.length);
    mc.on("click", function (p) {
      if (p.data && p.data.code && byCode[p.data.code]) {
        window.location.href = "/inventory?region=" + encodeURIComponent(p.data.code) + "&year=" + D.year;
      }
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { window.tanzhiResize(c); }); });
})();
