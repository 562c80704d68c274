/* An upload's page while its load is in progress (loaded only then). Progressive enhancement:
   without JavaScript the page refreshes itself (the meta refresh in <noscript>); with it, the
   status is polled and the page reloads once the load has ended. */
(function () {
  "use strict";
  var box = document.getElementById("upload-progress");
  if (!box || !window.fetch) { return; }
  var stage = document.getElementById("upload-stage");
  var bar = document.getElementById("upload-progress-bar");
  var percent = document.getElementById("upload-percent");
  var tag = document.getElementById("upload-status-tag");
  function poll() {
    window.fetch(box.getAttribute("data-status-url"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        if (status.ended) { window.location.reload(); return; }
        if (status.stage && stage.textContent !== status.stage) { stage.textContent = status.stage; }
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        percent.textContent = status.progress + "%";
        tag.textContent = status.label;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
