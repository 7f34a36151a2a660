// A refused form comes back with an error summary on top of it. The page works without this
// script (the form's address ends in its #anchor, so the browser lands on the form, and the summary
// has autofocus where no #anchor is given); with it, the summary takes the focus once the browser
// has finished moving to the #anchor (which itself moves the focus), and each of its links puts
// the cursor in the field it names.
(function () {
  "use strict";
  function ready() {
    var summary = document.querySelector(".error-summary");
    if (!summary) {
      return;
    }
    var folded = summary.closest("details");
    while (folded) {
      folded.open = true;
      folded = folded.parentElement ? folded.parentElement.closest("details") : null;
    }
    summary.focus();
    summary.scrollIntoView({ block: "start" });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      }
    });
  }
  function afterLoad() {
    window.setTimeout(ready, 0);
  }
  if (document.readyState === "complete") {
    afterLoad();
  } else {
    window.addEventListener("load", afterLoad);
  }
})();
