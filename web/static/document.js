// The document view: keyboard shortcuts, the help overlay and the page viewer (zoom, thumbnails, go to page,
// find, page turns without reloading the record). Served from /static (the CSP allows no inline script).
// Without this file every control still works as a plain link or form.
(function () {
  "use strict";

  const viewer = document.getElementById("viewer");
  if (!viewer) return;
  const sha = viewer.dataset.sha;
  const pages = parseInt(viewer.dataset.pages, 10) || 1;
  const from = viewer.dataset.from || "";
  let page = parseInt(viewer.dataset.page, 10) || 1;
  let selected = viewer.dataset.selected || "";
  const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3];
  let zoom = 2; // index of 1 (fit the column)
  let hits = [];
  let hitIndex = -1;
  let pageToken = 0;

  const $ = (id) => document.getElementById(id);
  const rows = Array.from(document.querySelectorAll("#values .field"));
  const rowOf = (key) => rows.find((r) => r.dataset.key === key) || null;
  const svgNS = "http://www.w3.org/2000/svg";

  function fromSuffix(sep) {
    return from ? sep + "from=" + encodeURIComponent(from) : "";
  }

  function remember() {
    const params = new URLSearchParams();
    if (selected) params.set("field", selected);
    params.set("page", String(page));
    if (from) params.set("from", from);
    history.replaceState(null, "", "/doc/" + sha + "?" + params.toString());
  }

  // --- the page ---------------------------------------------------------------------------------------

  function rect(box, cls) {
    const r = document.createElementNS(svgNS, "rect");
    r.setAttribute("class", cls);
    r.setAttribute("x", box.left.toFixed(3));
    r.setAttribute("y", box.top.toFixed(3));
    r.setAttribute("width", Math.max(box.width, 0.3).toFixed(3));
    r.setAttribute("height", Math.max(box.height, 0.3).toFixed(3));
    return r;
  }

  function drawHits() {
    const overlay = $("overlay");
    if (!overlay) return;
    overlay.querySelectorAll("rect.hit").forEach((r) => r.remove());
    hits.forEach((h, i) => {
      if (h.page !== page) return;
      overlay.appendChild(rect(h, "hit" + (i === hitIndex ? " current" : "")));
    });
  }

  function markSelectedBox() {
    const overlay = $("overlay");
    if (!overlay) return null;
    let found = null;
    overlay.querySelectorAll("rect.ev").forEach((r) => {
      const on = r.dataset.field === selected;
      r.classList.toggle("selected", on);
      if (on) found = r;
    });
    return found;
  }

  function scrollToBox(el) {
    if (!el) return;
    const scroller = $("pagescroll");
    const box = el.getBoundingClientRect();
    const frame = scroller.getBoundingClientRect();
    if (box.top < frame.top || box.bottom > frame.bottom) {
      scroller.scrollTop += box.top - frame.top - frame.height / 3;
    }
    if (box.left < frame.left || box.right > frame.right) {
      scroller.scrollLeft += box.left - frame.left - 24;
    }
  }

  function showPage(data) {
    page = data.page;
    viewer.dataset.page = String(page);
    const img = $("page-img");
    const overlay = $("overlay");
    if (img && data.image) {
      img.src = data.image;
      img.alt = "Page " + page + " of the report";
    }
    if (overlay) {
      overlay.replaceChildren();
      data.boxes.forEach((b) => {
        const r = rect(b, "ev" + (b.key === selected ? " selected" : ""));
        r.dataset.field = b.key;
        const title = document.createElementNS(svgNS, "title");
        title.textContent = b.label;
        r.appendChild(title);
        overlay.appendChild(r);
      });
    }
    $("goto").value = String(page);
    $("prev-page").href = "/doc/" + sha + "?page=" + Math.max(1, page - 1) + fromSuffix("&");
    $("next-page").href = "/doc/" + sha + "?page=" + Math.min(pages, page + 1) + fromSuffix("&");
    document.querySelectorAll("#thumbs .thumb").forEach((t) => {
      const on = parseInt(t.dataset.page, 10) === page;
      t.classList.toggle("current", on);
      if (on) {
        t.setAttribute("aria-current", "page");
        t.scrollIntoView({ block: "nearest" });
      } else {
        t.removeAttribute("aria-current");
      }
    });
    drawHits();
    remember();
  }

  function goToPage(n, then) {
    n = Math.max(1, Math.min(pages, n));
    if (n === page && $("overlay")) {
      markSelectedBox();
      drawHits();
      if (then) then();
      return;
    }
    const token = ++pageToken;
    fetch("/doc/" + sha + "/page/" + n + ".json?field=" + encodeURIComponent(selected), {
      credentials: "same-origin",
    })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        if (token !== pageToken) return;
        showPage(data);
        if (then) then();
      })
      .catch(() => {
        window.location.href = "/doc/" + sha + "?page=" + n + fromSuffix("&");
      });
  }

  // --- zoom ----------------------------------------------------------------------------------------------

  function applyZoom() {
    const box = $("page");
    const scroller = $("pagescroll");
    const fit = scroller.clientWidth - 4;
    box.style.width = Math.round(fit * ZOOMS[zoom]) + "px";
    $("zoom-level").value = Math.round(ZOOMS[zoom] * 100) + "%";
    $("zoom-level").textContent = Math.round(ZOOMS[zoom] * 100) + "%";
  }

  function setZoom(index) {
    zoom = Math.max(0, Math.min(ZOOMS.length - 1, index));
    applyZoom();
    scrollToBox(markSelectedBox());
  }

  // --- values ---------------------------------------------------------------------------------------------

  function select(key, opts) {
    const row = rowOf(key);
    if (!row) return;
    selected = key;
    viewer.dataset.selected = key;
    rows.forEach((r) => r.classList.toggle("selected", r === row));
    if (!opts || opts.focus !== false) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
    const p = parseInt(row.dataset.page, 10);
    if (p) {
      goToPage(p, () => scrollToBox(markSelectedBox()));
    } else {
      markSelectedBox();
      remember();
    }
  }

  function step(delta, onlyFlagged) {
    const list = onlyFlagged ? rows.filter((r) => r.classList.contains("flagged")) : rows;
    if (!list.length) return;
    const at = list.findIndex((r) => r.dataset.key === selected);
    let next;
    if (at < 0) {
      const all = rows.findIndex((r) => r.dataset.key === selected);
      next = list.find((r) => rows.indexOf(r) > all) || list[0];
    } else {
      next = list[(at + delta + list.length) % list.length];
    }
    select(next.dataset.key);
  }

  function edit() {
    const row = rowOf(selected);
    const name = row && row.dataset.input;
    const input = name ? $("in-" + name) : null;
    if (!input) return;
    input.scrollIntoView({ block: "center" });
    input.focus();
    if (typeof input.select === "function" && input.tagName !== "SELECT") input.select();
  }

  function press(id) {
    const el = $(id);
    if (el) el.click();
  }

  // --- find ----------------------------------------------------------------------------------------------

  function showHit(i) {
    if (!hits.length) return;
    hitIndex = (i + hits.length) % hits.length;
    $("find-count").textContent = hitIndex + 1 + " of " + hits.length;
    document.querySelectorAll("#find-results li").forEach((li, j) => li.classList.toggle("current", j === hitIndex));
    goToPage(hits[hitIndex].page, () => {
      drawHits();
      scrollToBox(document.querySelector("#overlay rect.hit.current"));
    });
  }

  function find(query) {
    const list = $("find-results");
    list.replaceChildren();
    hits = [];
    hitIndex = -1;
    drawHits();
    if (!query.trim()) {
      $("find-count").textContent = "";
      return;
    }
    $("find-count").textContent = "searching…";
    fetch("/doc/" + sha + "/find?q=" + encodeURIComponent(query), { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        hits = data.hits;
        if (!data.text_layer) {
          $("find-count").textContent = "this file has no text to search (a scan)";
          return;
        }
        if (!hits.length) {
          $("find-count").textContent = "not found";
          return;
        }
        hits.forEach((h, i) => {
          const li = document.createElement("li");
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = "p. " + h.page + ": " + h.snippet;
          b.addEventListener("click", () => showHit(i));
          li.appendChild(b);
          list.appendChild(li);
        });
        showHit(0);
      })
      .catch(() => {
        $("find-count").textContent = "the search failed; reload the page and try again";
      });
  }

  // --- help ----------------------------------------------------------------------------------------------

  let helpReturn = null;
  function helpOpen() {
    return !$("help").hidden;
  }
  function openHelp() {
    helpReturn = document.activeElement;
    $("help").hidden = false;
    $("help-close").focus();
  }
  function closeHelp() {
    $("help").hidden = true;
    if (helpReturn && helpReturn.focus) helpReturn.focus();
  }

  // --- wiring --------------------------------------------------------------------------------------------

  rows.forEach((row) => {
    const link = row.querySelector("a.field-name");
    if (link) {
      link.addEventListener("click", (e) => {
        e.preventDefault();
        select(row.dataset.key);
      });
    }
  });
  const overlay = $("overlay");
  if (overlay) {
    overlay.addEventListener("click", (e) => {
      const r = e.target.closest("rect.ev");
      if (r && r.dataset.field) select(r.dataset.field, { focus: true });
    });
  }
  document.querySelectorAll("#thumbs .thumb").forEach((t) =>
    t.addEventListener("click", (e) => {
      e.preventDefault();
      goToPage(parseInt(t.dataset.page, 10));
    }),
  );
  $("prev-page").addEventListener("click", (e) => {
    e.preventDefault();
    goToPage(page - 1);
  });
  $("next-page").addEventListener("click", (e) => {
    e.preventDefault();
    goToPage(page + 1);
  });
  $("goto-form").addEventListener("submit", (e) => {
    e.preventDefault();
    goToPage(parseInt($("goto").value, 10) || page);
  });
  $("zoom-in").addEventListener("click", () => setZoom(zoom + 1));
  $("zoom-out").addEventListener("click", () => setZoom(zoom - 1));
  $("zoom-fit").addEventListener("click", () => setZoom(2));
  $("find-form").addEventListener("submit", (e) => {
    e.preventDefault();
    find($("find").value);
  });
  $("find-next").addEventListener("click", () => showHit(hitIndex + 1));
  $("find-prev").addEventListener("click", () => showHit(hitIndex - 1));
  $("help-button").addEventListener("click", openHelp);
  $("help-close").addEventListener("click", closeHelp);
  window.addEventListener("resize", applyZoom);

  document.addEventListener("keydown", (e) => {
    if (helpOpen()) {
      if (e.key === "Escape" || e.key === "?") {
        e.preventDefault();
        closeHelp();
      }
      return;
    }
    const t = e.target;
    const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
      e.preventDefault();
      press("approve-next");
      return;
    }
    if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S")) {
      e.preventDefault();
      press("save");
      return;
    }
    if (typing) {
      if (e.key === "Escape") {
        e.preventDefault();
        t.blur();
        const row = rowOf(selected);
        if (row) row.focus({ preventScroll: false });
      }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const onControl = t && (t.tagName === "BUTTON" || t.tagName === "A");
    const keys = {
      j: () => step(1, false),
      k: () => step(-1, false),
      f: () => step(1, true),
      e: edit,
      a: () => press("approve-next"),
      n: () => press("next-record"),
      "[": () => goToPage(page - 1),
      "]": () => goToPage(page + 1),
      "+": () => setZoom(zoom + 1),
      "=": () => setZoom(zoom + 1),
      "-": () => setZoom(zoom - 1),
      0: () => setZoom(2),
      g: () => {
        $("goto").focus();
        $("goto").select();
      },
      "/": () => $("find").focus(),
      "?": openHelp,
    };
    if (e.key === "Enter" && !onControl && rows.includes(t)) {
      e.preventDefault();
      edit();
      return;
    }
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  });

  // Open on the selected value: the first flagged one (or the one asked for), focused, its box in view.
  applyZoom();
  const invalid = document.querySelector("#edit [aria-invalid=true]");
  if (invalid) {
    invalid.scrollIntoView({ block: "center" });
    invalid.focus();
  } else if (selected && rowOf(selected)) {
    const row = rowOf(selected);
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    const img = $("page-img");
    const box = () => scrollToBox(markSelectedBox());
    if (img && !img.complete) img.addEventListener("load", box, { once: true });
    else box();
  }
})();
