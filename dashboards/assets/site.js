/* The VI/EN toggle (page text, chart titles, axes and menus), the "only checked numbers"
   filter and the print button. Works from file:// with no network. */
(function () {
  var key = "khcn-dashboard-lang";

  function charts(lang) {
    if (!window.Plotly) return;
    document.querySelectorAll(".chart[data-i18n]").forEach(function (box) {
      var plot = box.querySelector(".plotly-graph-div");
      var text = JSON.parse(box.getAttribute("data-i18n"));
      if (!plot || !text[lang]) return;
      if (text[lang].layout) window.Plotly.relayout(plot, text[lang].layout);
      (text[lang].traces || []).forEach(function (update) {
        window.Plotly.restyle(plot, update[1], update[0]);
      });
    });
  }

  function apply(lang, redraw) {
    document.body.classList.toggle("en", lang === "en");
    document.documentElement.lang = lang;
    if (redraw) charts(lang);
  }

  var lang = "vi";
  try { lang = localStorage.getItem(key) || "vi"; } catch (e) { lang = "vi"; }
  if (/lang-(en|vi)/.test(window.location.hash)) lang = /lang-(en|vi)/.exec(window.location.hash)[1];
  apply(lang, false);
  if (lang === "en") window.addEventListener("load", function () { charts("en"); });

  var button = document.getElementById("lang");
  if (button) button.addEventListener("click", function () {
    var next = document.body.classList.contains("en") ? "vi" : "en";
    apply(next, true);
    try { localStorage.setItem(key, next); } catch (e) { /* file:// without storage */ }
  });

  var checked = document.getElementById("only-checked");
  if (checked) checked.addEventListener("change", function () {
    document.body.classList.toggle("only-checked", checked.checked);
  });

  /* index.html#map-34 opens the map on the 34 units (a link an analyst can send). */
  function mapView() {
    var match = /map-(34|63)/.exec(window.location.hash);
    var plot = document.getElementById("province-map");
    if (!match || !plot || !plot.layout || !window.Plotly) return;
    var i = match[1] === "34" ? 1 : 0;
    window.Plotly.restyle(plot, plot.layout.updatemenus[0].buttons[i].args[0]);
    window.Plotly.relayout(plot, {"updatemenus[0].active": i});
  }
  window.addEventListener("load", mapView);
  window.addEventListener("hashchange", mapView);

  var print = document.getElementById("print");
  if (print) print.addEventListener("click", function () { window.print(); });
})();
