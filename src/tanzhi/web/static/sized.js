/* tanzhi: draw a map only once its box has a size (loaded by base.html on every page).
 * ECharts lays a map out in its container's box; a layout whose view transform is singular
 * throws "Cannot read properties of null (reading '0')" from inside setOption (GeoCreator →
 * resizeGeo). Seen in CI under load (stop 16, inventory workspace) and here about 1 run in 3 at
 * load 10+, not on a quiet machine. So tanzhiWhenSized(box, chart) resolves once the box has a
 * width and a height, after making the chart re-read that size; tanzhiDrawMap(box, chart, draw)
 * then draws, and if that layout throws, re-reads the size and draws once more on the next frame.
 * A second failure is thrown as it is, so a map that truly cannot be drawn still surfaces.
 * The same layout runs on every chart.resize() (window resize, the size wait itself): CI run of
 * session 6 caught it from resize (stack: resize → GeoCreator.create → resizeGeo), outside the
 * guarded draw, so tanzhiResize(chart) gives resizes the same one retry on the next frame. */
(function () {
  "use strict";
  function resize(chart) {
    try {
      chart.resize();
    } catch (err) {
      console.warn("map layout failed on resize, resizing again on the next frame", err);  // eslint-disable-line no-console
      window.requestAnimationFrame(function () { chart.resize(); });
    }
  }
  window.tanzhiResize = resize;
  function whenSized(box, chart) {
    return new Promise(function (resolve) {
      function ready() { return box.clientWidth > 0 && box.clientHeight > 0; }
      function go() { resize(chart); resolve(); }
      if (ready()) { go(); return; }
      var seen = new ResizeObserver(function () {
        if (ready()) { seen.disconnect(); go(); }
      });
      seen.observe(box);
    });
  }
  window.tanzhiWhenSized = whenSized;
  window.tanzhiDrawMap = function (box, chart, draw) {
    return whenSized(box, chart).then(function () {
      try {
        draw();
      } catch (err) {
        console.warn("map layout failed, drawing again on the next frame", err);  // eslint-disable-line no-console
        return new Promise(function (resolve) {
          window.requestAnimationFrame(function () { chart.resize(); draw(); resolve(); });
        });
      }
      return undefined;
    });
  };
})();
