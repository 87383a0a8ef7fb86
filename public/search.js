// Results follow the words as they are typed, and the sort, page-size and "upcoming" controls apply
// at once. The script asks the server for the very page it would render for the new address and
// puts that page's results, facets and filters in place, so what a person sees after typing is
// what the address shows when opened. Without this script the form is an ordinary GET form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  if (!form || !window.fetch || !window.URLSearchParams || !window.DOMParser || !history.pushState) return;
  var input = form.querySelector("input[name=q]");
  var timer = null;
  var latest = 0;
  var wide = window.matchMedia ? window.matchMedia("(min-width: 52.01rem)") : null;

  // Browsers that cannot style a closed <details> open the filters on a wide screen.
  function openFiltersWhenWide(root) {
    var filters = root.querySelector("[data-facets]");
    if (!filters || !wide || !wide.matches) return;
    if (window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) return;
    filters.open = true;
  }

  function address() {
    var out = new URLSearchParams();
    // A menu left at its first choice is the default, which the server's own links leave out.
    var defaults = {};
    Array.prototype.slice.call(form.querySelectorAll("select")).forEach(function (select) {
      if (select.selectedIndex <= 0) defaults[select.name] = true;
    });
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "" && !defaults[key]) out.set(key, value);
    });
    out.delete("page");
    var query = out.toString();
    return "/catalogue" + (query ? "?" + query : "");
  }

  /** Makes `target`'s attributes those of `source`. */
  function copyAttributes(source, target) {
    Array.prototype.slice.call(target.attributes).forEach(function (a) {
      if (!source.hasAttribute(a.name)) target.removeAttribute(a.name);
    });
    Array.prototype.slice.call(source.attributes).forEach(function (a) {
      if (target.getAttribute(a.name) !== a.value) target.setAttribute(a.name, a.value);
    });
  }

  /** Puts the new page in place, leaving the control a person is using (and its caret) alone. */
  function apply(doc, url, how, fromHistory) {
    var next = doc.querySelector("form[data-live-search]");
    var body = document.querySelector("[data-search-body]");
    var nextBody = doc.querySelector("[data-search-body]");
    if (!next || !body || !nextBody) {
      window.location.assign(url);
      return;
    }
    // The filters a person opened on a phone stay open.
    var filters = body.querySelector("[data-facets]");
    var nextFilters = nextBody.querySelector("[data-facets]");
    if (filters && nextFilters) {
      if (filters.open) nextFilters.setAttribute("open", "");
      filters.parentNode.replaceChild(document.importNode(nextFilters, true), filters);
    }
    // The heading with the count stays the same element, so that screen readers announce it.
    var count = body.querySelector("[data-results-count]");
    var nextCount = nextBody.querySelector("[data-results-count]");
    if (count && nextCount) {
      copyAttributes(nextCount, count);
      count.innerHTML = nextCount.innerHTML;
    }
    var results = body.querySelector("[data-results]");
    var nextResults = nextBody.querySelector("[data-results]");
    if (results && nextResults) results.innerHTML = nextResults.innerHTML;
    // The form: hidden filters and menus follow; the words box keeps what is being typed.
    var hidden = form.querySelector("[data-hidden-filters]");
    var nextHidden = next.querySelector("[data-hidden-filters]");
    if (hidden && nextHidden) hidden.innerHTML = nextHidden.innerHTML;
    Array.prototype.slice.call(next.querySelectorAll("select[id], input[id]")).forEach(function (control) {
      var mine = document.getElementById(control.id);
      if (!mine) return;
      if (mine.tagName === "SELECT") {
        if (mine.innerHTML !== control.innerHTML) mine.innerHTML = control.innerHTML;
        mine.value = control.value;
      } else if (mine.type === "checkbox") {
        copyAttributes(control, mine);
        mine.checked = control.hasAttribute("checked");
      } else {
        copyAttributes(control, mine);
        if (fromHistory) mine.value = control.getAttribute("value") || "";
      }
    });
    document.title = doc.title;
    openFiltersWhenWide(document);
    if (how === "push") history.pushState({ live: true }, "", url);
    else if (how === "replace") history.replaceState({ live: true }, "", url);
  }

  function load(url, how, fromHistory) {
    var ticket = ++latest;
    return fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        // A bad address gets the server's own page, with its message.
        if (!response.ok) {
          if (ticket === latest && how !== "replace") window.location.assign(url);
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null || ticket !== latest) return;
        apply(new DOMParser().parseFromString(html, "text/html"), url, how, fromHistory);
      })
      .catch(function () { /* the form still works by submitting it */ });
  }

  var typing = false;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      // The first change of a burst of typing makes a history entry; the rest update it.
      load(address(), typing ? "replace" : "push");
      typing = true;
    }, 200);
  });
  form.addEventListener("change", function (event) {
    if (event.target === input) return;
    typing = false;
    load(address(), "push");
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    typing = false;
    load(address(), "push").then(function () {
      var heading = document.getElementById("results-heading");
      if (heading) heading.focus();
    });
  });
  window.addEventListener("popstate", function () {
    typing = false;
    load(window.location.pathname + window.location.search, "none", true);
  });
  openFiltersWhenWide(document);
})();
