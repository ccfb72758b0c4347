// The console's own script: no inline script is allowed (the content
// security policy), so pages declare what they need in data attributes.
"use strict";

// Every htmx request carries the session's CSRF token.
document.addEventListener("htmx:configRequest", function (e) {
  var t = document.body.dataset.csrf;
  if (t) { e.detail.headers["X-CSRF-Token"] = t; }
});

// Charts: an element with data-chart="ID" is drawn by ECharts from the
// JSON option in <script type="application/json" id="ID">. The page loads
// echarts.min.js itself (only pages with charts do).
function drawCharts(root) {
  if (typeof echarts === "undefined") { return; }
  root.querySelectorAll("[data-chart]").forEach(function (el) {
    if (el.dataset.drawn) { return; }
    var src = document.getElementById(el.dataset.chart);
    if (!src) { return; }
    var option = JSON.parse(src.textContent);
    if (option.geoJSON) {
      echarts.registerMap(option.mapName || option.geo.map, option.geoJSON);
      delete option.geoJSON;
      delete option.mapName;
    }
    var chart = echarts.init(el, null, { renderer: "canvas", locale: document.documentElement.lang === "en" ? "EN" : "ZH" });
    chart.setOption(option);
    // data-chart-link: a click on an item whose data has an href (a path
    // of this site) opens it.
    if (el.hasAttribute("data-chart-link")) {
      chart.on("click", function (p) {
        var href = p && p.data && p.data.href;
        if (typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/") { window.location.assign(href); }
      });
    }
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  });
}
document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
document.addEventListener("htmx:afterSwap", function (e) { drawCharts(e.target); });

// A button with data-print prints the page.
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-print]");
  if (b) { e.preventDefault(); window.print(); }
});

// A form with data-confirm asks before it is sent.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) { e.preventDefault(); }
});
