// Shows every <time class="local-time"> in the reader's own time zone, named, e.g.
// "Fri 4 Dec 2026, 23:59 (Europe/Berlin)". Without script the UTC text stays.
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  var formats = {
    long: { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" },
    short: { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" },
  };
  function localise(root) {
    root.querySelectorAll("time.local-time:not([data-localised])").forEach(function (node) {
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      var format = formats[node.dataset.style] || formats.long;
      node.textContent = when.toLocaleString(undefined, format) + (zone ? " (" + zone + ")" : "");
      node.title = when.toISOString().replace(".000Z", "Z");
      node.setAttribute("data-localised", "");
    });
  }
  // A form's time-zone field starts at the browser's own zone when it has no value yet.
  function preselectZone() {
    document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
      if (select.dataset.browserZone === "unset" && zone) {
        var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
        if (option) select.value = zone;
      }
    });
  }
  function run() { localise(document); preselectZone(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
