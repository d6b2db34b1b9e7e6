// Polls the import job's API address and moves the progress bar; reloads once the job ends.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box) { return; }
  var finished = ["succeeded", "failed"];
  if (finished.indexOf(box.dataset.status) !== -1) { return; }

  function show(name, value) {
    var node = box.querySelector('[data-field="' + name + '"]');
    if (node) { node.textContent = value === null || value === undefined ? "?" : String(value); }
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (job) {
        var bar = box.querySelector('[data-field="progress"]');
        if (job.progress.total) { bar.max = job.progress.total; }
        bar.value = job.progress.done;
        show("done", job.progress.done);
        show("total", job.progress.total);
        show("status", job.outcome || job.status);
        var errorsLink = box.querySelector('[data-field="errors-link"]');
        if (errorsLink && job.error_count) { errorsLink.hidden = false; }
        show("error_count", job.error_count);
        show("message", job.message);
        ["created", "updated", "unchanged", "failed"].forEach(function (name) { show(name, job.counts[name]); });
        if (finished.indexOf(job.status) !== -1) {
          window.location.reload();  // the server renders the errors and the preview
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
