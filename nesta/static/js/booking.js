/* Before confirming a booking: once a slot is chosen in the calendar (calendar.js says so with a
   "nesta:chosen" event on the form) or typed in, the quote beside the confirm button is fetched
   (fee estimate, free cancellation until, approval, the cancellation rules), and on small screens
   the summary with the confirm button sticks to the bottom of the screen (CSS: .chosen). */
(function () {
  "use strict";

  function bar() { return document.querySelector("[data-book-confirm]"); }

  function refreshQuote(form) {
    var box = document.getElementById("booking-quote"), confirm = bar();
    var start = form.querySelector("[name=start]").value, end = form.querySelector("[name=end]").value;
    var account = form.querySelector("[name=account_id]");
    if (confirm) confirm.classList.toggle("chosen", Boolean(start && end));
    document.body.classList.toggle("nesta-book-chosen", Boolean(start && end));
    if (!box || !start || !end || !window.htmx) return;
    var query = "?start=" + encodeURIComponent(start) + "&end=" + encodeURIComponent(end);
    if (account && account.value) query += "&account_id=" + encodeURIComponent(account.value);
    window.htmx.ajax("GET", box.dataset.quoteUrl + query,
      { target: "#booking-quote", swap: "innerHTML" });
  }

  document.addEventListener("nesta:chosen", function (e) {
    if (e.target && e.target.id === "booking-form") refreshQuote(e.target);
  });

  document.addEventListener("change", function (e) {
    var form = e.target && e.target.form;
    if (form && form.id === "booking-form" && (e.target.name === "start" || e.target.name === "end" || e.target.name === "account_id")) refreshQuote(form);
  });

  function clearChoice(form) {
    form.reset();
    var repeat = document.getElementById("id_repeat");  // calendar.js folds the weeks field again
    if (repeat) repeat.dispatchEvent(new Event("change", { bubbles: true }));
    var summary = document.getElementById("selection-summary"), box = document.getElementById("booking-quote");
    if (summary) { summary.textContent = summary.dataset.empty || ""; summary.classList.remove("chosen"); }
    if (box) box.innerHTML = "";
    var confirm = bar();
    if (confirm) confirm.classList.remove("chosen");
    document.body.classList.remove("nesta-book-chosen");
  }

  // Booked (the answer is the outcome alone, with the booked cells out of band): the form is
  // empty again for the next booking. A new panel (form errors) keeps what was chosen.
  document.addEventListener("htmx:afterSwap", function (e) {
    var id = e.detail.target && e.detail.target.id, form = document.getElementById("booking-form");
    if (!form) return;
    if (id === "booking-outcome" && e.detail.xhr.status === 200) {
      clearChoice(form);
      var mine = document.getElementById("my-week-bookings"), list = document.getElementById("my-week-list");
      if (mine && list && list.children.length) mine.hidden = false;  // the new booking was added to it
    }
    else if (id === "booking-panel-slot" || id === "booking-area") {
      var confirm = bar();
      document.body.classList.toggle("nesta-book-chosen", Boolean(confirm && confirm.classList.contains("chosen")));
    }
  });
})();
