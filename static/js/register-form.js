// The registration form. Without this script every field is shown and nothing is filled in for
// the clerk; the services still check every rule and default the original agency themselves.
(function () {
  "use strict";
  // Show only the detail field the chosen declassification condition needs.
  var kind = document.querySelector("[data-declass-kind]");
  if (kind) {
    var details = document.querySelectorAll("[data-declass-detail]");
    var update = function () {
      details.forEach(function (input) {
        var box = input.closest(".field");
        var wanted = input.getAttribute("data-declass-detail") === kind.value;
        // A field with an error or a value stays visible, so nothing typed is ever hidden.
        var keep = box.classList.contains("field--error") || input.value !== "";
        box.hidden = !(wanted || keep);
      });
    };
    kind.addEventListener("change", update);
    update();
  }
  // The original classifying agency follows the sending agency until the clerk types their own.
  var source = document.querySelector("[data-agency-source]");
  var target = document.querySelector("[data-agency-target]");
  if (source && target) {
    var copied = target.value === "" || target.value === source.value;
    source.addEventListener("input", function () {
      if (copied) {
        target.value = source.value;
      }
    });
    target.addEventListener("input", function () {
      copied = target.value === "" || target.value === source.value;
    });
  }
})();
