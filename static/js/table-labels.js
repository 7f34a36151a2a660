// Phone widths stack a table's cells (static/css/registry.css); each cell is labelled with its
// column's name here, so a stacked row still says what each value is. Without this script the
// cells stack unlabelled, and wide screens are unchanged either way.
(function () {
  "use strict";
  function label(table) {
    var heads = table.querySelectorAll("thead tr:last-child th");
    if (!heads.length) {
      return;
    }
    var names = [];
    heads.forEach(function (th) {
      var span = parseInt(th.getAttribute("colspan") || "1", 10);
      for (var i = 0; i < span; i += 1) {
        names.push(th.textContent.trim());
      }
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var name = names[column];
        if (name && cell.tagName === "TD" && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", name);
        }
        column += parseInt(cell.getAttribute("colspan") || "1", 10);
      });
    });
  }
  function start() {
    document.querySelectorAll("main table").forEach(label);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
