/* Decomposition page: filter indicators by plan, show weights only for the weighted method,
   draw the child targets as a bar chart and as a map (ECharts; GeoJSON from the regions API). */
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  var plan = byId("plan_id"), indicator = byId("indicator_id"), method = byId("method");
  function syncIndicators() {
    if (!plan || !indicator) return;
    var first = null;
    Array.prototype.forEach.call(indicator.options, function (opt) {
      var show = opt.getAttribute("data-plan") === plan.value;
      opt.hidden = !show; opt.disabled = !show;
      if (show && first === null) first = opt;
    });
    var cur = indicator.options[indicator.selectedIndex];
    if ((!cur || cur.disabled) && first) first.selected = true;
  }
  function syncWeights() {
    var box = byId("weights-box");
    if (box && method) box.hidden = method.value !== "weighted";
  }
  if (plan) plan.addEventListener("change", syncIndicators);
  if (method) method.addEventListener("change", syncWeights);
  syncIndicators(); syncWeights();

  var holder = byId("dec-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var names = data.children.map(function (c) { return c.name_zh; });
  var values = data.children.map(function (c) { return Math.round(c.target * 1000) / 1000; });
  var unit = data.kind === "total" ? data.unit : "%";

  var bar = echarts.init(byId("dec-bar"));
  bar.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 50, right: 30, top: 30, bottom: 80 },
    xAxis: { type: "category", data: names, axisLabel: { rotate: 40 } },
    yAxis: { type: "value", name: unit },
    series: [{
      type: "bar", name: data.target_label, data: values, itemStyle: { color: "#1f5fae" },
      markLine: data.kind === "total" ? undefined : {
        symbol: "none", lineStyle: { color: "#c0392b", type: "dashed" },
        label: { position: "insideEndTop", formatter: "{c}" + unit }, data: [{ yAxis: data.parent }]
      }
    }]
  });

  var mapEl = byId("dec-map");
  var mapChart = echarts.init(mapEl);
  mapChart.showLoading();
  fetch("/api/v1/regions/" + data.region + "/geojson?depth=1",
        { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (geo) {
      var name = "dec-" + data.region;
      echarts.registerMap(name, geo);
      var byCode = {};
      data.children.forEach(function (c) { byCode[c.region_code] = c; });
      var series = (geo.features || []).map(function (f) {
        var code = String(f.properties.code || f.properties.adcode || "");
        var child = byCode[code];
        return { name: f.properties.name, value: child ? Math.round(child.target * 1000) / 1000 : null };
      });
      mapChart.hideLoading();
      mapChart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value == null || isNaN(p.value) ? "—" : p.value + unit); } },
        visualMap: { min: Math.min.apply(null, values), max: Math.max.apply(null, values),
                     left: 10, bottom: 10, calculable: true, text: ["", unit],
                     inRange: { color: ["#e3eef9", "#5b9bd5", "#0d3c78"] } },
        series: [{ type: "map", map: name, roam: false, data: series,
                   label: { show: true, fontSize: 10 }, emphasis: { label: { show: true } } }]
      });
    })
    .catch(function () { mapChart.hideLoading(); mapEl.textContent = "—"; });

  window.addEventListener("resize", function () { bar.resize(); window.tanzhiResize(mapChart); });
})();
