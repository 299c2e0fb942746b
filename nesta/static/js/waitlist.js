// 排队候补: clicking a taken block of the booking calendar fills the waiting-list form beside it
// (templates/instruments/_waitlist_join.html) with that block's times and opens it. Delegated on
// the document once, so calendars swapped in by htmx need nothing more.
(function () {
  if (window.nestaWaitlist) return;
  window.nestaWaitlist = true;
  var SLOT = 30;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function local(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  document.addEventListener("click", function (event) {
    var cell = event.target.closest && event.target.closest("td.cal-busy[data-start]");
    var box = document.querySelector("[data-testid=waitlist-join]");
    if (!cell || !box) return;
    var start = new Date(cell.dataset.start);
    if (isNaN(start.getTime())) return;
    var span = parseInt(cell.getAttribute("rowspan") || "1", 10) || 1;
    var end = new Date(start.getTime() + span * SLOT * 60000);
    box.querySelector("input[name=start]").value = local(start);
    box.querySelector("input[name=end]").value = local(end);
    box.open = true;
    box.scrollIntoView({ block: "nearest" });
  });
})();
