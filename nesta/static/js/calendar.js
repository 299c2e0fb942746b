/* The booking calendar of an instrument (plain JS + htmx, no framework).
   Click a free 30-minute cell to select it (at least the instrument's minimum length), drag
   down or up a day to select a longer range, Shift+click to extend; the booking form beside
   the calendar is filled in and posted with htmx, which swaps the calendar and the result in.
   Also: confirmation of dangerous forms (data-confirm), the weekly-repeat field, and the day
   view on small screens. */
(function () {
  "use strict";

  var drag = null;

  function tableOf(el) { return el && el.closest ? el.closest("table[data-calendar]") : null; }
  function isFree(td) { return td && td.classList.contains("cal-free"); }

  function dayCells(table, day) {
    var cells = Array.prototype.slice.call(table.querySelectorAll('td[data-day="' + day + '"]'));
    cells.sort(function (a, b) { return a.dataset.start < b.dataset.start ? -1 : 1; });
    return cells;
  }

  function minutesBetween(a, b) {
    return Math.round((new Date(b + ":00") - new Date(a + ":00")) / 60000);
  }

  function limits(table) {
    return {
      min: parseInt(table.dataset.minMinutes || "30", 10),
      max: parseInt(table.dataset.maxMinutes || "0", 10)
    };
  }

  // From `fromTd` towards `toTd` over free cells only (stops before anything taken or closed),
  // no longer than the instrument's maximum.
  function rangeBetween(table, fromTd, toTd) {
    var cells = dayCells(table, fromTd.dataset.day);
    var i = cells.indexOf(fromTd), j = cells.indexOf(toTd), k = i;
    var step = j >= i ? 1 : -1, max = limits(table).max;
    while (k !== j) {
      var next = cells[k + step];
      if (!isFree(next)) break;
      var lo = Math.min(i, k + step), hi = Math.max(i, k + step);
      if (max && minutesBetween(cells[lo].dataset.start, cells[hi].dataset.end) > max) break;
      k += step;
    }
    var a = cells[Math.min(i, k)], b = cells[Math.max(i, k)];
    return { day: fromTd.dataset.day, start: a.dataset.start, end: b.dataset.end };
  }

  // A click: the clicked cell and the following free ones up to the minimum length.
  function clickRange(table, td) {
    var cells = dayCells(table, td.dataset.day), i = cells.indexOf(td), k = i, min = limits(table).min;
    while (minutesBetween(td.dataset.start, cells[k].dataset.end) < min && isFree(cells[k + 1])) k += 1;
    return { day: td.dataset.day, start: td.dataset.start, end: cells[k].dataset.end };
  }

  function form() { return document.getElementById("booking-form"); }

  function show(table, range) {
    table.querySelectorAll("td.cal-selected").forEach(function (td) { td.classList.remove("cal-selected"); });
    if (!range) return;
    dayCells(table, range.day).forEach(function (td) {
      if (isFree(td) && td.dataset.start >= range.start && td.dataset.end <= range.end) td.classList.add("cal-selected");
    });
  }

  function choose(table, range, focus) {
    show(table, range);
    var f = form();
    if (!f) {
      var hint = document.querySelector("[data-testid=login-to-book] a");
      if (hint && focus) hint.focus();
      return;
    }
    f.querySelector("[name=start]").value = range.start;
    f.querySelector("[name=end]").value = range.end;
    var summary = document.getElementById("selection-summary");
    if (summary && f.dataset.summary) {
      summary.textContent = f.dataset.summary
        .replace("{date}", range.day)
        .replace("{start}", range.start.slice(11))
        .replace("{end}", range.end.slice(11))
        .replace("{minutes}", String(minutesBetween(range.start, range.end)));
      summary.classList.add("chosen");
    }
    f.dispatchEvent(new CustomEvent("nesta:chosen", { bubbles: true }));  // booking.js: the quote
    if (focus) {
      var purpose = f.querySelector("[name=purpose]");
      if (purpose) purpose.focus({ preventScroll: true });
    }
  }

  // The form's own start/end (typed in, or kept after an error) are shown in the calendar too.
  function showFormRange() {
    var f = form(), table = document.querySelector("table[data-calendar]");
    if (!f || !table) return;
    var start = f.querySelector("[name=start]").value, end = f.querySelector("[name=end]").value;
    if (start && end && start.slice(0, 10) === end.slice(0, 10) && start < end) {
      show(table, { day: start.slice(0, 10), start: start.slice(0, 16), end: end.slice(0, 16) });
    } else {
      show(table, null);
    }
  }

  document.addEventListener("pointerdown", function (e) {
    if (e.button !== 0) return;
    var td = e.target.closest ? e.target.closest("td.cal-free") : null, table = tableOf(td);
    if (!td || !table) return;
    e.preventDefault();
    var anchor = td, current = table.querySelector("td.cal-selected");
    if (e.shiftKey && current && current.dataset.day === td.dataset.day) anchor = current;
    drag = { table: table, anchor: anchor, moved: anchor !== td, target: td };
    if (drag.moved) choose(table, rangeBetween(table, anchor, td), false);
  });

  document.addEventListener("pointerover", function (e) {
    if (!drag) return;
    var td = e.target.closest ? e.target.closest("td[data-day]") : null;
    if (!td || tableOf(td) !== drag.table || td.dataset.day !== drag.anchor.dataset.day || td === drag.target) return;
    drag.target = td;
    drag.moved = true;
    choose(drag.table, rangeBetween(drag.table, drag.anchor, td), false);
  });

  document.addEventListener("pointerup", function () {
    if (!drag) return;
    var d = drag;
    drag = null;
    if (d.moved) choose(d.table, rangeBetween(d.table, d.anchor, d.target), true);
    else choose(d.table, clickRange(d.table, d.anchor), true);
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" && e.key !== " ") return;
    var td = e.target.closest ? e.target.closest("td.cal-free") : null, table = tableOf(td);
    if (!td || !table) return;
    e.preventDefault();
    choose(table, clickRange(table, td), true);
  });

  document.addEventListener("change", function (e) {
    var f = form();
    if (f && f.contains(e.target) && (e.target.name === "start" || e.target.name === "end")) showFormRange();
    if (e.target && e.target.id === "id_repeat") syncRepeat();
  });

  // Dangerous buttons ask first (cancel a booking, reject a request).
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.matches && f.matches("form[data-confirm]") && !window.confirm(f.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  function syncRepeat() {
    var box = document.getElementById("id_repeat"), weeks = document.querySelector("[data-weeks-field]");
    if (box && weeks) weeks.hidden = !box.checked;
  }

  function settle(root) {
    syncRepeat();
    showFormRange();
    var alert = root && root.id === "booking-outcome" ? root.querySelector(".alert") :
      (root || document).querySelector("#booking-panel .alert");
    if (alert && root !== document) {
      var r = alert.getBoundingClientRect();
      if (r.top < 0 || r.bottom > window.innerHeight) alert.scrollIntoView({ block: "center" });
    }
  }

  // What a booking answer replaces: the whole area, the panel (form errors), or the outcome only.
  var BOOKING_TARGETS = ["booking-area", "booking-panel-slot", "booking-outcome"];

  // The booking view answers 409 (slot taken), 422 (rules), 503 (busy) and 403 with the calendar
  // and the message: swap those in like a 200.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status, target = e.detail.target;
    if (target && BOOKING_TARGETS.indexOf(target.id) >= 0 && [403, 409, 422, 503].indexOf(status) >= 0) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && BOOKING_TARGETS.indexOf(e.detail.target.id) >= 0) settle(e.detail.target);
  });

  document.addEventListener("DOMContentLoaded", function () {
    settle(document);
    // Small screens get the day view unless a view was asked for.
    var root = document.querySelector("[data-booking-root]");
    if (root && root.dataset.view === "week" && window.htmx && !/[?&]view=/.test(window.location.search) &&
        window.matchMedia("(max-width: 767.98px)").matches) {
      window.htmx.ajax("GET", root.dataset.url + "?view=day&date=" + root.dataset.anchor, { target: "#booking-area", swap: "innerHTML" });
    }
  });
})();
