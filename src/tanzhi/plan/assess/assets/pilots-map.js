/* tanzhi pilots registry: ECharts map of pilot counts per child region (county map).
 * Reads data-region / data-depth / data-locale from #pilots-map; sets data-ready="1" when drawn. */
(function () {
  "use strict";
  var el = document.getElementById("pilots-map");
  if (!el || !window.echarts) { return; }
  var english = (el.dataset.locale || "").indexOf("en") === 0;
  var code = el.dataset.region;
  var chart = echarts.init(el, null, { renderer: "svg" });
  window.addEventListener("resize", function () {
    try { chart.resize(); } catch (err) { el.dataset.resizeError = String(err); }
  });
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(url + " → " + r.status); } return r.json(); });
  }
  Promise.all([
    getJSON("/api/v1/regions/" + code + "/geojson?depth=1"),
    getJSON("/assess/pilots/map.json?region=" + code)
  ]).then(function (res) {
    var geo = res[0], counts = res[1].counts, max = 1;
    echarts.registerMap("pilots" + code, geo);
    var data = geo.features.map(function (f) {
      var n = counts[f.properties.code] || 0;
      if (n > max) { max = n; }
      return { name: f.properties.name, value: n, code: f.properties.code, nameEn: f.properties.name_en };
    });
    // Shade each region by its share of the largest count (no visualMap: it fails on resize).
    var shades = ["#eef4ec", "#cfe5cc", "#9cc79a", "#5fa56d", "#2f7d4f"];
    data.forEach(function (d) {
      var i = d.value ? Math.min(shades.length - 1, 1 + Math.floor((d.value / max) * (shades.length - 2) + 0.0001)) : 0;
      d.itemStyle = { areaColor: shades[i] };
    });
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        var d = p.data || {}, esc = echarts.format.encodeHTML;
        return "<strong>" + esc(english ? (d.nameEn || p.name) : p.name) + "</strong><br>" +
          (english ? "pilots: " : "试点数：") + (d.value || 0);
      } },
      series: [{ type: "map", map: "pilots" + code, roam: true, data: data,
                 label: { show: data.length <= 30, fontSize: 11,
                          formatter: function (p) { return (english && p.data ? p.data.nameEn : p.name) + "\n" + (p.value || 0); } },
                 itemStyle: { borderColor: "#fff", borderWidth: 1 },
                 emphasis: { itemStyle: { areaColor: "#ffd166" } } }]
    });
    chart.on("click", function (p) {
      if (p.data && p.data.code) { window.location.href = "/assess/pilots?region=" + p.data.code; }
    });
    el.dataset.ready = "1";
    el.dataset.featureCount = String(data.length);
  }).catch(function (err) {
    el.dataset.ready = "error";
    el.textContent = String(err);
  });
})();
