// The registration form: show only the detail field the chosen declassification condition needs.
// Without this script every field is shown, and the services still check every rule.
(function () {
  "use strict";
  var kind = document.querySelector("[data-declass-kind]");
  if (!kind) {
    return;
  }
  var details = document.querySelectorAll("[data-declass-detail]");
  function update() {
    details.forEach(function (input) {
      var box = input.closest(".field");
      var wanted = input.getAttribute("data-declass-detail") === kind.value;
      // A field with an error or a value stays visible, so nothing typed is ever hidden.
      var keep = box.classList.contains("field--error") || input.value !== "";
      box.hidden = !(wanted || keep);
    });
  }
  kind.addEventListener("change", update);
  update();
})();
