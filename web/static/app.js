// Argus UI: small progressive enhancements. Every page works without this
// script; with it, run and agent pages and the health board update live
// over Server-Sent Events.
"use strict";
(function () {
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Selects that apply on change (tenant switcher, member roles).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.requestSubmit(); });
    });
    // Confirmations before destructive actions.
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.dataset.confirm)) e.preventDefault();
      });
    });
    // Forms that must not be sent twice (Run): the server is idempotent
    // too, this only avoids the second request. Delegated, so forms in
    // live-updated parts of a page get it as well.
    document.addEventListener("submit", function (e) {
      var f = e.target;
      if (!f.matches("form[data-once]") || e.defaultPrevented) return;
      f.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    });
    // Copy buttons beside values shown once.
    document.querySelectorAll("button[data-copy]").forEach(function (b) {
      b.addEventListener("click", function () {
        var el = document.getElementById(b.dataset.copy);
        if (!el || !navigator.clipboard) return;
        navigator.clipboard.writeText(el.textContent).then(function () { b.textContent = "Copied"; });
      });
    });
    // Screenshot thumbnails enlarge in a dialog.
    var box = document.getElementById("lightbox");
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[data-enlarge]");
      if (!a || !box || !box.showModal) return;
      e.preventDefault();
      var img = box.querySelector("img");
      img.src = a.href;
      img.alt = (a.querySelector("img") || {}).alt || "Screenshot";
      box.showModal();
    });
    if (box) box.addEventListener("click", function (e) { if (e.target === box || e.target.tagName === "IMG") box.close(); });

    // After a refused form, put the cursor in the first field to fix.
    var invalid = document.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();

    var run = document.querySelector("[data-live-run]");
    if (run && !run.hidden) liveRun(run);
    var agent = document.querySelector("[data-live-agent]");
    if (agent && !agent.hidden) liveAgent(agent);
    var board = document.querySelector("[data-live-board]");
    if (board) liveBoard(board);
    setInterval(tick, 1000);
  });

  var labels = { passed: "passed", failed: "failed", error: "error", cancelled: "cancelled", running: "running", queued: "queued" };
  var final = { passed: 1, failed: 1, error: 1, cancelled: 1 };

  function setBadge(el, status) {
    if (!el) return;
    el.className = "badge s-" + status;
    el.dataset.status = status;
    el.textContent = labels[status] || status;
  }

  function fmt(ms) {
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + "m " + String(s % 60).padStart(2, "0") + "s";
  }

  // tick advances the elapsed time of running agents between events.
  function tick() {
    document.querySelectorAll("[data-agent][data-started]").forEach(function (row) {
      if (!row.dataset.started || row.dataset.finished) return;
      var el = row.querySelector(".el, [data-field=elapsed]");
      if (el) el.textContent = fmt(Date.now() - Date.parse(row.dataset.started));
    });
  }

  function stream(url, note, handlers) {
    var es = new EventSource(url);
    Object.keys(handlers).forEach(function (name) {
      es.addEventListener(name, function (e) { handlers[name](JSON.parse(e.data)); });
    });
    es.addEventListener("end", function () { es.close(); note.hidden = true; });
    es.onerror = function () { note.textContent = "Live updates paused; reconnecting…"; };
    es.onopen = function () { note.textContent = note.dataset.text || note.textContent; };
    note.dataset.text = note.textContent;
    return es;
  }

  function liveRun(note) {
    stream(note.dataset.liveRun, note, {
      agent: function (a) {
        var row = document.querySelector('[data-agent="' + a.id + '"]');
        if (!row) return;
        setBadge(row.querySelector(".st .badge"), a.status);
        // A plan's node card has no counters.
        [[".it", a.iterations], [".tok", a.tokens], [".el", a.elapsed]].forEach(function (f) {
          var el = row.querySelector(f[0]);
          if (el) el.textContent = f[1];
        });
        var state = row.querySelector(".node-state");
        if (state && a.status !== "queued") state.textContent = a.status === "cancelled" ? "cancelled" : a.status;
        row.dataset.started = a.started_at || "";
        row.dataset.finished = a.finished_at || "";
        var sum = row.querySelector(".summary");
        if (sum) sum.textContent = a.status === "error" ? a.error_reason : a.summary;
      },
      run: function (r) {
        setBadge(document.querySelector("#run-status .badge"), r.status);
        var c = document.getElementById("run-counts");
        if (c) c.textContent = r.counts;
        var cancel = document.getElementById("cancel-run");
        if (cancel && final[r.status]) cancel.hidden = true;
        // A plan's page shows the final node states (skips and their
        // reasons) as the server has them.
        if (final[r.status] && note.hasAttribute("data-reload-on-end")) window.location.reload();
      }
    });
  }

  // liveBoard swaps in each card the server re-renders as tests run; the
  // stream never ends on its own.
  function liveBoard(note) {
    var list = document.getElementById("board");
    stream(note.dataset.liveBoard, note, {
      card: function (c) {
        var old = document.getElementById("card-" + c.id);
        if (old) old.outerHTML = c.html;
        else list.insertAdjacentHTML("beforeend", c.html);
      },
      gone: function (c) {
        var old = document.getElementById("card-" + c.id);
        if (old) old.remove();
      },
      failing: function (f) {
        var form = document.getElementById("rerun-failing");
        if (!form) return;
        form.hidden = f.count === 0;
        form.querySelector("[data-field=failing]").textContent = f.count;
      }
    });
  }

  var verdicts = {
    passed: "Passed: the application did what the test says.",
    failed: "Failed: the application did not do what the test says.",
    error: "Error: Argus could not find out whether the test passes — this is not a verdict on the application.",
    cancelled: "Cancelled before a verdict.",
    running: "Running…",
    queued: "Queued: waiting for a free browser."
  };

  function liveAgent(note) {
    var list = document.getElementById("steps");
    var main = document.getElementById("main");
    main.dataset.agent = "";
    stream(note.dataset.liveAgent, note, {
      step: function (s) {
        if (document.getElementById("step-" + s.key)) return;
        list.insertAdjacentHTML("beforeend", s.html);
        var none = document.getElementById("no-steps");
        if (none) none.hidden = true;
      },
      agent: function (a) {
        setBadge(document.querySelector("#agent-status .badge"), a.status);
        var v = document.getElementById("verdict");
        v.className = "verdict v-" + a.status;
        v.querySelector("[data-field=verdict]").textContent = verdicts[a.status] || a.status;
        var s = v.querySelector("[data-field=summary]");
        s.textContent = a.summary; s.hidden = !a.summary;
        var r = v.querySelector("[data-field=error_reason]");
        r.lastChild.textContent = " " + a.error_reason; r.hidden = !a.error_reason;
        ["iterations", "tokens", "elapsed", "attempt"].forEach(function (k) {
          var el = document.querySelector("dd[data-field=" + k + "]");
          if (el) el.textContent = a[k];
        });
        main.dataset.started = a.started_at || "";
        main.dataset.finished = a.finished_at || "";
        if (final[a.status]) {
          var c = document.getElementById("cancel-form");
          if (c) c.hidden = true;
        }
      }
    });
  }
})();
