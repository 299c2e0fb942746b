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

  document.addEventListener("DOMContentLoaded", function () { syncExpertFields(document); });
  document.addEventListener("htmx:afterSwap", function (event) { syncExpertFields(event.target); });
})();
