/* tanzhi plan pages: the status map of the overview and the indicator chart (the CSP forbids
 * inline script, so pages load this file from /plans/assets/plan.js). */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
})();
(function () {
  "use strict";
  var el = document.getElementById("status-map");
  if (!el || !window.echarts) { return; }
  var labels = JSON.parse(el.dataset.labels);
  var colours = { green: "#2e9e5b", yellow: "#e0a800", red: "#d64541" };
  var chart = echarts.init(el, null, { renderer: "svg" });
  window.addEventListener("resize", function () { chart.resize(); });
  function get(url) { return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) { if (!r.ok) { throw new Error(url); } return r.json(); }); }
  var year = el.dataset.year ? "?year=" + el.dataset.year : "";
  Promise.all([get("/api/v1/regions/" + el.dataset.region + "/geojson?depth=1"),
               get("/api/v1/plans/" + el.dataset.plan + "/regions/" + el.dataset.indicator + year)])
    .then(function (res) {
      var geo = res[0], rows = {};
      res[1].forEach(function (r) { rows[r.region_code] = r; });
      echarts.registerMap("plan" + el.dataset.region, geo);
      var data = geo.features.map(function (f) {
        var p = f.properties, r = rows[p.code] || {};
        return { name: p.name, code: p.code, status: r.status, actual: r.actual, target: r.target,
                 itemStyle: { areaColor: colours[r.status] || "#cfd6df" } };
      });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          var d = p.data || {}, esc = echarts.format.encodeHTML, fmt = function (v) { return v == null ? "—" : (+v).toFixed(3); };
          return "<strong>" + esc(p.name) + "</strong><br>" + esc(labels[d.status || "none"]) +
                 "<br>" + esc(labels.actual) + ": " + fmt(d.actual) + "<br>" + esc(labels.target) + ": " + fmt(d.target);
        } },
        series: [{ type: "map", map: "plan" + el.dataset.region, roam: true, data: data,
                   label: { show: true, fontSize: 11, textBorderColor: "#fff", textBorderWidth: 2 },
                   itemStyle: { borderColor: "#fff", borderWidth: 1 },
                   emphasis: { itemStyle: { areaColor: "#ffd166" } } }]
      });
      el.dataset.ready = "1";
      el.dataset.coloured = String(data.filter(function (d) { return d.status; }).length);
      chart.on("click", function (p) {
        if (p.data && p.data.code) { window.location.href = "/plans/" + el.dataset.plan + "?region=" + p.data.code; }
      });
    }).catch(function (e) { el.textContent = String(e); });
})();
(function () {
  "use strict";
  var el = document.getElementById("indicator-chart");
  if (!el || !window.echarts) { return; }
  var p = JSON.parse(el.dataset.payload), L = p.labels;
  var chart = echarts.init(el, null, { renderer: "svg" });
  window.addEventListener("resize", function () { chart.resize(); });
  var years = {};
  p.trajectory.forEach(function (t) { years[t.year] = 1; });
  p.actuals.forEach(function (a) { years[a.year] = 1; });
  if (p.nowcast && !p.nowcast.error) { years[p.nowcast.year] = 1; }
  var axis = Object.keys(years).map(Number).sort(function (a, b) { return a - b; });
  function at(list, key) { var m = {}; list.forEach(function (x) { m[x.year] = x[key]; }); return axis.map(function (y) { return m[y] == null ? null : m[y]; }); }
  var series = [
    { name: L.path, type: "line", data: at(p.trajectory, "value"), connectNulls: true, lineStyle: { type: "dashed", color: "#9aa5b4" }, itemStyle: { color: "#9aa5b4" }, symbol: "none" },
    { name: L.actual, type: "line", data: at(p.actuals, "value"), connectNulls: true, itemStyle: { color: "#1f5fae" }, symbolSize: 8 }
  ];
  if (p.nowcast && !p.nowcast.error) {
    var i = axis.indexOf(p.nowcast.year);
    series.push({ name: L.nowcast, type: "scatter", symbol: "diamond", symbolSize: 14, itemStyle: { color: "#d98e04" },
      data: axis.map(function (y, k) { return k === i ? p.nowcast.value : null; }) });
    series.push({ name: L.nowcast, type: "custom", itemStyle: { color: "#d98e04" },
      renderItem: function (params, api) {
        var lo = api.coord([api.value(0), api.value(1)]), hi = api.coord([api.value(0), api.value(2)]);
        return { type: "group", children: [
          { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: { stroke: "#d98e04", lineWidth: 2 } },
          { type: "line", shape: { x1: lo[0] - 6, y1: lo[1], x2: lo[0] + 6, y2: lo[1] }, style: { stroke: "#d98e04", lineWidth: 2 } },
          { type: "line", shape: { x1: hi[0] - 6, y1: hi[1], x2: hi[0] + 6, y2: hi[1] }, style: { stroke: "#d98e04", lineWidth: 2 } }] };
      },
      data: [[i, p.nowcast.low, p.nowcast.high]] });
  }
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: axis.map(String) },
    yAxis: { type: "value", name: p.unit || "", scale: true },
    series: series
  });
  if (p.target != null) { chart.setOption({ series: [{ markLine: { symbol: "none", label: { formatter: L.target + " {c}" }, lineStyle: { color: "#2e9e5b" }, data: [{ yAxis: p.target }] } }] }); }
  el.dataset.ready = "1";
})();
