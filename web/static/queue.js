/* The queue page: upload by drag and drop (or the file picker) with a progress bar and a result per file,
   the upload list kept current, and "tick every record". No inline script: the CSP forbids it. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("upload-files");
  var results = document.getElementById("upload-results");
  var hint = document.getElementById("drop-hint");
  var STATUS = { queued: "Waiting", processing: "Reading", done: "Done", failed: "Could not be read" };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function showResult(li, job) {
    var message = li.querySelector(".upload-message");
    li.className = "upload-result upload-" + job.status;
    li.dataset.job = job.id;
    li.dataset.status = job.status;
    var prefix = job.status === "failed" ? "Not uploaded. " : "";
    if (job.status === "failed" && li.dataset.accepted === "yes") prefix = "";
    message.textContent = prefix + (STATUS[job.status] || job.status) + ": " + job.message;
    var old = li.querySelector("details, a.open-upload");
    while (old) { old.remove(); old = li.querySelector("details, a.open-upload"); }
    if (job.href) {
      var a = el("a", "open-upload", "Open");
      a.href = job.href;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
    }
    if (job.detail) {
      var d = el("details"), s = el("summary", "", "Technical reason");
      d.appendChild(s);
      d.appendChild(el("span", "upload-detail", job.detail));
      li.appendChild(d);
    }
  }

  function poll() {
    var waiting = results.querySelectorAll('li[data-status="queued"], li[data-status="processing"]');
    if (!waiting.length) return;
    fetch("/uploads", { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (jobs) {
        waiting.forEach(function (li) {
          var job = jobs[li.dataset.job];
          if (job) showResult(li, job);
        });
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }

  function uploadOne(file) {
    var li = el("li", "upload-result");
    li.appendChild(el("b", "upload-name", file.name));
    li.appendChild(document.createTextNode(": "));
    var bar = el("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "upload of " + file.name);
    li.appendChild(bar);
    li.appendChild(el("span", "upload-message", " Sending…"));
    results.appendChild(li);
    var body = new FormData();
    body.append("files", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    };
    xhr.onload = function () {
      bar.remove();
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = null; }
      if (answer && answer.results && answer.results.length) {
        var job = answer.results[0];
        li.dataset.accepted = job.status === "failed" ? "no" : "yes";
        showResult(li, job);
        poll();
      } else {
        li.dataset.status = "failed";
        li.className = "upload-result upload-failed";
        li.querySelector(".upload-message").textContent =
          xhr.status === 413 ? "Not uploaded: the file is too large." :
          xhr.status === 403 ? "Not uploaded: your session ended. Reload the page and try again." :
          "Not uploaded (the app answered " + xhr.status + "). Try again.";
      }
    };
    xhr.onerror = function () {
      bar.remove();
      li.dataset.status = "failed";
      li.querySelector(".upload-message").textContent = "Not uploaded: the app could not be reached. Try again.";
    };
    xhr.send(body);
  }

  function uploadAll(files) {
    var max = parseInt(form.dataset.maxFiles || "20", 10);
    var list = Array.prototype.slice.call(files);
    if (list.length > max) {
      var li = el("li", "upload-result upload-failed", "Only " + max + " files at a time: the first " + max + " are uploaded.");
      results.appendChild(li);
      list = list.slice(0, max);
    }
    list.forEach(uploadOne);
  }

  if (form && input && results) {
    form.addEventListener("submit", function (e) {
      if (!input.files || !input.files.length) return;
      e.preventDefault();
      uploadAll(input.files);
      input.value = "";
    });
    var depth = 0;
    document.addEventListener("dragenter", function (e) {
      if (!e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types, "Files") < 0) return;
      depth += 1;
      hint.hidden = false;
    });
    document.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (!depth) hint.hidden = true;
    });
    document.addEventListener("dragover", function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) e.preventDefault();
    });
    document.addEventListener("drop", function (e) {
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      e.preventDefault();
      depth = 0;
      hint.hidden = true;
      uploadAll(e.dataTransfer.files);
    });
  }

  // Rows of the recent-uploads table still waiting: keep their status current.
  var table = document.getElementById("uploads");
  function pollTable() {
    var cells = table.querySelectorAll('.job-status[data-status="queued"], .job-status[data-status="processing"]');
    if (!cells.length) return;
    fetch("/uploads", { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (jobs) {
        cells.forEach(function (cell) {
          var row = cell.closest("tr");
          var job = jobs[row.dataset.job];
          if (!job) return;
          cell.dataset.status = job.status;
          cell.title = job.status;
          cell.textContent = STATUS[job.status] || job.status;
          var result = row.querySelector(".job-result");
          result.textContent = "";
          if (job.href) {
            var a = el("a", "", "Open");
            a.href = job.href;
            result.appendChild(a);
            result.appendChild(document.createTextNode(" "));
          }
          result.appendChild(el("span", "job-message", job.message));
        });
        setTimeout(pollTable, 1500);
      })
      .catch(function () { setTimeout(pollTable, 5000); });
  }
  if (table) pollTable();

  // Keys on the queue: "/" searches, "j" / "k" move to the next / previous record (Enter opens it).
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (e.key === "/") {
      var box = document.getElementById("queue-search");
      if (box) { e.preventDefault(); box.focus(); box.select(); }
      return;
    }
    if (e.key !== "j" && e.key !== "k") return;
    var links = Array.prototype.slice.call(document.querySelectorAll("#queue a.open"));
    if (!links.length) return;
    e.preventDefault();
    var at = links.indexOf(document.activeElement);
    var next = at < 0 ? 0 : Math.max(0, Math.min(links.length - 1, at + (e.key === "j" ? 1 : -1)));
    links[next].focus();
    links[next].closest("tr").scrollIntoView({ block: "nearest" });
  });

  var all = document.getElementById("tick-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('#queue input[name="pick"]').forEach(function (box) { box.checked = all.checked; });
    });
  }
})();
