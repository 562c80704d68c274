/* The run page while a run is in progress (loaded only then). Progressive enhancement: without
   JavaScript the page refreshes itself (the meta refresh in <noscript>); with it, the status is
   polled and the page reloads once the run has ended. */
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || !window.fetch) { return; }
  var stage = document.getElementById("run-stage");
  var bar = document.getElementById("run-progress-bar");
  var percent = document.getElementById("run-percent");
  var tag = document.getElementById("run-status-tag");
  function poll() {
    window.fetch(box.getAttribute("data-status-url"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        if (status.status === "done" || status.status === "failed") { window.location.reload(); return; }
        if (status.stage && stage.textContent !== status.stage) { stage.textContent = status.stage; }
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        percent.textContent = status.progress + "%";
        tag.textContent = status.label;
        tag.className = "govuk-tag " + (status.status === "running" ? "govuk-tag--blue" : "govuk-tag--grey");
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
