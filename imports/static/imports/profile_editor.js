// The profile editor's live preview: on every change, post the form and show the sample as it would be stored.
(function () {
  "use strict";
  var form = document.getElementById("profile-editor");
  if (!form) { return; }
  var rows = form.querySelector("[data-preview-rows]");
  var problems = form.querySelector("[data-preview-problems]");
  var timer = null;

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function render(answer) {
    rows.textContent = "";
    var messages = Object.keys(answer.problems || {}).map(function (key) { return key + ": " + answer.problems[key]; });
    problems.textContent = messages.join(" ");
    problems.hidden = messages.length === 0;
    (answer.rows || []).forEach(function (item) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(String(item.line)));
      if (item.stored) {
        tr.appendChild(cell(JSON.stringify(item.stored)));
      } else {
        tr.appendChild(cell(item.errors.map(function (e) { return (e.column || e.field) + ": " + e.message; }).join(" · ")));
      }
      rows.appendChild(tr);
    });
  }

  function refresh() {
    var data = new FormData(form);
    data.delete("sample");
    fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(render)
      .catch(function () { /* keep the last preview */ });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "sample") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "INPUT" || event.target.type === "file") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
})();
