// Self-assessment autosave safety net (loaded only on that page; the page works without it).
// htmx posts each textarea as the person types. This keeps a copy of every unsaved text in
// localStorage, keyed by appraisal and field, until the server confirms that exact text; on load
// a copy is put back when it is newer than the server's text; on a network or server error the
// field says so and the save is retried. A refusal (4xx: handed in, phase closed) is shown, not retried.
(function () {
  "use strict";
  // Run after htmx has processed the page (its DOMContentLoaded handler was registered first).
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  function start() {
    var form = document.querySelector("form[data-autosave]");
    if (!form || !window.localStorage) return;
    var appraisal = form.getAttribute("data-autosave");
    var serverSavedAt = parseInt(form.getAttribute("data-saved-at"), 10) || 0;
    var pending = new WeakMap(); // textarea -> the text of its request in flight
    var retries = new WeakMap(); // textarea -> retry count, for a growing delay

    function keyOf(el) { return "pmsys:self-assessment:" + appraisal + ":" + el.name; }
    function read(el) {
      try { return JSON.parse(localStorage.getItem(keyOf(el)) || "null"); } catch (e) { return null; }
    }
    function write(el, entry) {
      try { localStorage.setItem(keyOf(el), JSON.stringify(entry)); } catch (e) { /* storage full or off */ }
    }
    function status(el, text) {
      var line = document.getElementById(el.name + "-status");
      if (line) line.textContent = text;
    }
    function fields() { return form.querySelectorAll("textarea[data-autosave-field]"); }
    function owner(event) {
      var el = event.detail && event.detail.elt;
      return el && el.matches && el.matches("textarea[data-autosave-field]") && form.contains(el) ? el : null;
    }

    fields().forEach(function (el) { el.setAttribute("data-confirmed", el.value); });

    // Restore: a copy is kept only while unconfirmed, so one that differs from the server's text is
    // newer when it was based on that same server text, or written after the server's last save.
    fields().forEach(function (el) {
      var entry = read(el);
      if (!entry) return;
      if (entry.text === el.value) { localStorage.removeItem(keyOf(el)); return; }
      if (entry.base === el.value || entry.at > serverSavedAt) {
        el.value = entry.text;
        status(el, "Restored text you had not saved yet — saving…");
        if (window.htmx) window.htmx.trigger(el, "blur");
      } else {
        localStorage.removeItem(keyOf(el));
      }
    });

    // Every keystroke is kept locally first; `base` is the last text the server confirmed.
    form.addEventListener("input", function (event) {
      var el = event.target;
      if (!el.matches("textarea[data-autosave-field]")) return;
      write(el, { text: el.value, base: el.getAttribute("data-confirmed"), at: Date.now() });
    });

    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var el = owner(event);
      if (el) pending.set(el, el.value);
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var el = owner(event);
      if (!el || !event.detail.successful) return;
      var sent = pending.get(el);
      retries.delete(el);
      el.setAttribute("data-confirmed", sent);
      var entry = read(el);
      if (entry && entry.text === sent) localStorage.removeItem(keyOf(el));
      else if (entry) { entry.base = sent; write(el, entry); }
    });

    function retryLater(el) {
      var count = (retries.get(el) || 0) + 1;
      retries.set(el, count);
      status(el, "Not saved yet — will retry");
      window.setTimeout(function () { window.htmx.trigger(el, "blur"); }, Math.min(60000, 2000 * count));
    }
    document.body.addEventListener("htmx:sendError", function (event) {
      var el = owner(event);
      if (el) retryLater(el);
    });
    document.body.addEventListener("htmx:responseError", function (event) {
      var el = owner(event);
      if (!el) return;
      var xhr = event.detail.xhr;
      if (xhr && xhr.status >= 400 && xhr.status < 500) {
        // Refused for good (handed in, phase closed, signed out): say why; the local copy stays.
        var text = new DOMParser().parseFromString(xhr.responseText || "", "text/html").body.textContent;
        status(el, (text || "Not saved.").trim());
      } else {
        retryLater(el);
      }
    });
  }
})();
