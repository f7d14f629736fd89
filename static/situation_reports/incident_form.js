// The incident form: after a refused save, put the keyboard on the error summary (or the
// duplicate warning); on a fresh form, on the first field, so a coordinator can type at once.
// Ctrl+Enter (Cmd+Enter on a Mac) anywhere in the form saves: "save and log another" on a new
// incident, "save" when editing. The description counts its characters against the limit.
(function () {
  "use strict";
  var form = document.querySelector(".incident-form");
  if (!form) return;

  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.isComposing) return;
    var button =
      form.querySelector("button[name=save_and_add]") || form.querySelector("button[name=save]");
    if (!button) return;
    event.preventDefault();
    if (form.requestSubmit) form.requestSubmit(button);
    else button.click();
  });

  var description = form.querySelector("textarea[data-max-length]");
  var counter = document.getElementById("description-counter");
  var status = document.getElementById("description-limit-status");
  if (description && counter) {
    var limit = parseInt(description.getAttribute("data-max-length"), 10);
    var lang = document.documentElement.lang;
    var over = false;
    var update = function () {
      var length = description.value.length;
      var text = counter
        .getAttribute(length > limit ? "data-over" : "data-left")
        .replace("{count}", Math.abs(limit - length).toLocaleString(lang))
        .replace("{limit}", limit.toLocaleString(lang));
      counter.textContent = text;
      counter.classList.toggle("text-danger", length > limit);
      // Read out (a live region) only when the limit is crossed, not on every key.
      if (length > limit !== over) {
        over = length > limit;
        if (status) status.textContent = over ? text : "";
      }
    };
    description.addEventListener("input", update);
    update();
  }

  var target = document.getElementById("form-errors") || document.getElementById("duplicates");
  if (target) {
    target.setAttribute("tabindex", "-1");
    target.focus();
    return;
  }
  var first = form.querySelector("select, input:not([type=hidden])");
  if (first) first.focus();
})();
