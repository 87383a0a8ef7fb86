// Results update as you type, through the catalogue's own search API. Without this script the
// form works as an ordinary GET form; with it, the page stays the same and only the results change.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  var results = document.querySelector("[data-results]");
  var count = document.querySelector("[data-results-count]");
  if (!form || !results || !count || !window.fetch || !window.URLSearchParams) return;
  var input = form.querySelector("input[name=q]");
  var timer = null;
  var latest = 0;

  function params() {
    var out = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") out.set(key, value);
    });
    return out;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function card(hit) {
    var article = el("article", "card");
    article.appendChild(el("p", "card-kind", hit.kindName || hit.kind));
    var h3 = el("h3", "card-title");
    var link = el("a");
    link.href = hit.url;
    // The server escaped the text and added only its own <mark> elements.
    link.innerHTML = hit.highlight.title;
    h3.appendChild(link);
    if (hit.acronym) {
      h3.appendChild(document.createTextNode(" "));
      h3.appendChild(el("abbr", "acronym", hit.acronym));
    }
    article.appendChild(h3);
    if (hit.owner) {
      var owner = el("p", "card-owner", "By ");
      var ownerLink = el("a", null, hit.owner.name);
      ownerLink.href = "/organisations/" + encodeURIComponent(hit.owner.slug);
      owner.appendChild(ownerLink);
      article.appendChild(owner);
    }
    if (hit.highlight.summary) {
      var summary = el("p", "card-summary");
      summary.innerHTML = hit.highlight.summary;
      article.appendChild(summary);
    }
    if (hit.nextSession) {
      article.appendChild(el("p", "card-session", "Next session: " + hit.nextSession.dates + (hit.nextSession.place ? ", " + hit.nextSession.place : "")));
    }
    return article;
  }

  function render(body, query) {
    count.textContent = body.total + (body.total === 1 ? " listing" : " listings") + (query ? " matching “" + query + "”" : "");
    results.textContent = "";
    if (body.degraded) results.appendChild(el("p", "notice", "Search is running in a reduced mode: results come straight from the database."));
    if (body.hits.length === 0) {
      results.appendChild(el("p", "empty", "No listing matches. Try fewer or different words, or remove a filter."));
      return;
    }
    var list = el("ol", "cards");
    list.setAttribute("role", "list");
    body.hits.forEach(function (hit) {
      var item = el("li");
      item.appendChild(card(hit));
      list.appendChild(item);
    });
    results.appendChild(list);
    if (body.totalPages > 1) {
      var more = el("p");
      var link = el("a", "button-link", "See all " + body.total + " results");
      link.href = "/catalogue?" + params().toString();
      more.appendChild(link);
      results.appendChild(more);
    }
  }

  function update() {
    var query = params();
    query.delete("page");
    var ticket = ++latest;
    fetch("/api/v1/search?" + query.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || ticket !== latest) return;
        render(body, query.get("q"));
        history.replaceState(null, "", "/catalogue" + (query.toString() ? "?" + query.toString() : ""));
      })
      .catch(function () { /* the form still works by submitting it */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 200);
  });
})();
