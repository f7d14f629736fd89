// The incident form: after a refused save, put the keyboard on the error summary (or the
// duplicate warning); on a fresh form, on the first field, so a coordinator can type at once.
(function () {
  "use strict";
  var target = document.getElementById("form-errors") || document.getElementById("duplicates");
  if (target) {
    target.setAttribute("tabindex", "-1");
    target.focus();
    return;
  }
  var first = document.querySelector(".incident-form select, .incident-form input:not([type=hidden])");
  if (first) first.focus();
})();
