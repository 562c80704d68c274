// Suggestions under the search box as the user types. The term goes in the body of a POST
// (never in an address), with the page's CSRF token; the answer lists people and cases by the
// same rules as the search itself. Without JavaScript the search form works on its own.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) { return; }
  var form = input.form;
  var token = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
  var timer = null;
  var latest = 0;

  function show(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.className = "govuk-link";
      link.href = item.url;
      link.textContent = item.label;
      li.appendChild(link);
      var kind = document.createElement("span");
      kind.className = "govuk-body-s";
      kind.textContent = item.kind === "person" ? " (person)" : " (case)";
      li.appendChild(kind);
      list.appendChild(li);
    });
  }

  function ask() {
    var term = input.value.trim();
    if (term.length < 2) { show([]); return; }
    var asked = ++latest;
    var body = new URLSearchParams();
    body.append("term", term);
    fetch(input.dataset.suggestUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      return response.ok ? response.json() : { suggestions: [] };
    }).then(function (data) {
      if (asked === latest) { show(data.suggestions || []); }
    }).catch(function () { show([]); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 300);
  });
}());
