// Adding a person to a body: choosing the person puts the organisation they belong to into
// "represents", unless someone already chose another organisation by hand (issue 12).
(function () {
  "use strict";
  document.querySelectorAll("select[data-fills]").forEach(function (people) {
    var target = document.getElementById("id_" + people.dataset.fills);
    if (!target || target.disabled) return;
    var filled = target.value;
    people.addEventListener("change", function () {
      if (target.value !== filled) return; // chosen by hand: left alone
      var option = people.options[people.selectedIndex];
      var organisation = option ? option.dataset.organisation || "" : "";
      target.value = organisation;
      filled = target.value;
      target.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
})();
