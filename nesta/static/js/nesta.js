/* Small behaviours of the web UI (no framework beyond htmx and Bootstrap). */
(function () {
  "use strict";

  // The expert-profile fields are shown only when "入选专家库" is ticked.
  function syncExpertFields(root) {
    (root || document).querySelectorAll("[data-expert-toggle]").forEach(function (box) {
      var target = document.getElementById(box.getAttribute("data-expert-toggle"));
      if (!target) return;
      var update = function () { target.hidden = !box.checked; };
      if (!box.dataset.bound) {
        box.addEventListener("change", update);
        box.dataset.bound = "1";
      }
      update();
    });
  }

  // A form marked data-ask="…" asks before it is sent (no inline handlers: the CSP forbids them).
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-ask]");
    if (form && !window.confirm(form.getAttribute("data-ask"))) event.preventDefault();
  }, true);
  // A select marked data-autosubmit sends its form when it changes.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) select.form.requestSubmit();
  });

  document.addEventListener("DOMContentLoaded", function () { syncExpertFields(document); });
  document.addEventListener("htmx:afterSwap", function (event) { syncExpertFields(event.target); });
})();
