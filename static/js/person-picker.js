// The person picker: as a person types a name or login name, fill the input's <datalist> with at
// most 20 suggestions from the registry (the same people the form accepts). Without this script
// the input still takes a login name or a name, and the form resolves it.
(function () {
  "use strict";
  if (window.registryPersonPicker) {
    return; // one copy of the script per page, however many pickers it has
  }
  window.registryPersonPicker = true;
  var SEPARATORS = /[、,，;；\n]/;

  function lastEntry(value) {
    var parts = value.split(SEPARATORS);
    return parts[parts.length - 1].trim();
  }

  function prefix(value) {
    var match = value.match(/^(.*[、,，;；\n])/);
    return match ? match[1] : "";
  }

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var source = input.getAttribute("data-person-picker");
    var multiple = input.hasAttribute("data-person-picker-multiple");
    var timer = null;
    var asked = "";
    if (!list || !source) {
      return;
    }
    function fill(people) {
      var before = multiple ? prefix(input.value) : "";
      list.textContent = "";
      people.forEach(function (person) {
        var option = document.createElement("option");
        option.value = before + person.value;
        option.label = person.label;
        option.textContent = person.label;
        list.appendChild(option);
      });
    }
    function ask() {
      var query = multiple ? lastEntry(input.value) : input.value.trim();
      if (query === asked) {
        return;
      }
      asked = query;
      if (!query) {
        fill([]);
        return;
      }
      var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { people: [] }; })
        .then(function (answer) { if (asked === query) { fill(answer.people || []); } })
        .catch(function () { fill([]); });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });
  }

  function start() {
    document.querySelectorAll("input[data-person-picker]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
