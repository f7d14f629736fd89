// Agenda reordering by drag (SortableJS). The keyboard way is the ↑/↓ buttons (htmx);
// both answer with the re-rendered agenda, whose live region announces the result.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  }

  function init(root) {
    var list = root.querySelector("ol[data-sortable]");
    if (!list || !window.Sortable || list.dataset.sortableReady) return;
    list.dataset.sortableReady = "1";
    window.Sortable.create(list, {
      handle: ".drag-handle",
      // No sliding for those who asked for less motion (and for the browser test).
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 150,
      // Mouse and touch events rather than native drag and drop: works the same everywhere.
      forceFallback: true,
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) return;
        var body = new URLSearchParams();
        list.querySelectorAll("li[data-id]").forEach(function (li) {
          body.append("order", li.dataset.id);
        });
        var url = root.dataset.reorderUrl;
        fetch(url, {
          method: "POST",
          headers: {
            "X-CSRFToken": csrfToken(),
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: body.toString(),
          credentials: "same-origin",
        })
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.text();
          })
          .then(function (html) {
            root.outerHTML = html;
            var fresh = document.getElementById("agenda");
            if (window.htmx) window.htmx.process(fresh);
            init(fresh);
          })
          .catch(function () {
            window.location.reload();
          });
      },
    });
  }

  function initAgenda() {
    var root = document.getElementById("agenda");
    if (root) init(root);
  }
  document.addEventListener("DOMContentLoaded", initAgenda);
  // After every htmx swap (move up/down, share toggle, refill) the new agenda needs it again.
  if (window.htmx) window.htmx.onLoad(initAgenda);
})();
