/* Records JavaScript errors (and failed script loads) in <body data-js-errors>, so a headless
   browser's DOM dump shows whether the page ran cleanly: "[]" means no error. */
(function () {
  var errors = [];
  function show() { if (document.body) document.body.setAttribute("data-js-errors", JSON.stringify(errors)); }
  function record(message) { errors.push(String(message)); show(); }
  window.addEventListener("error", function (e) {
    record(e.message || ("failed to load " + ((e.target && (e.target.src || e.target.href)) || "resource")));
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    record((e.reason && e.reason.message) || e.reason);
  });
  document.addEventListener("DOMContentLoaded", show);
})();
