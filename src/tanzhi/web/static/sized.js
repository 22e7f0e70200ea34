/* tanzhi: draw a chart only once its box has a size (loaded by base.html on every page).
 * ECharts lays a map out in its container's box; laid out in a 0×0 box its view transform is
 * singular and it throws "Cannot read properties of null (reading '0')" — seen in CI under load
 * (stop 16, inventory workspace). whenSized(box, chart) resolves once the box has a width and a
 * height, after making the chart re-read that size. */
(function () {
  "use strict";
  window.tanzhiWhenSized = function (box, chart) {
    return new Promise(function (resolve) {
      function ready() { return box.clientWidth > 0 && box.clientHeight > 0; }
      function go() { chart.resize(); resolve(); }
      if (ready()) { go(); return; }
      var seen = new ResizeObserver(function () {
        if (ready()) { seen.disconnect(); go(); }
      });
      seen.observe(box);
    });
  };
})();
