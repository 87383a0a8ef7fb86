// The listing picker of a report item: results follow the search box as you type, through the
// catalogue's own search API. Without this script the search form and the radio list work as they are.
(function () {
  "use strict";
  var input = document.querySelector("[data-picker-input]");
  var results = document.querySelector("[data-picker-results]");
  if (!input || !results || !window.fetch) return;
  var hidden = document.querySelector('form[method="post"] input[name="q"]');
  // Words from the page, in its language: data-text-empty ("… {query} …") and data-text-kinds (JSON, kind → name).
  var emptyText = results.getAttribute("data-text-empty") || "";
  var kinds = {};
  try {
    kinds = JSON.parse(results.getAttribute("data-text-kinds") || "{}");
  } catch (e) { /* the English names from the API stand */ }
  var timer = null;
  var latest = 0;

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function render(query, hits) {
    results.textContent = "";
    if (hits.length === 0) {
      results.appendChild(text("p", emptyText.split("{query}").join(query), "empty"));
      return;
    }
    var list = document.createElement("ul");
    list.className = "picker";
    hits.forEach(function (hit) {
      var item = document.createElement("li");
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "resource";
      radio.value = hit.slug;
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + hit.title + " "));
      label.appendChild(text("small", "\u00b7 " + (kinds[hit.kind] || hit.kindName) + (hit.owner ? " \u00b7 " + hit.owner.name : ""), "muted"));
      item.appendChild(label);
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var query = input.value.trim();
      if (hidden) hidden.value = query;
      if (!query) return;
      var ticket = ++latest;
      fetch("/api/v1/search?pageSize=20&q=" + encodeURIComponent(query), { headers: { accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) { if (body && ticket === latest) render(query, body.hits); })
        .catch(function () { /* the search button still works */ });
    }, 250);
  });
})();
