/*
 * Honest result counts and more results, around Material's search worker.
 *
 * Material says "N matching documents" for the N results its worker returns, and the worker
 * returns a first page (worker.js). This script, loaded before Material's bundle (extra.polyfills
 * in mkdocs.yml), wraps the Worker constructor: it reads the true total the worker sends beside
 * the results, shows it, and offers a button that asks the same worker for 50 more. Nothing from
 * result text is inserted here: only numbers.
 */
"use strict";
(() => {
  const QUERY = 2, RESULT = 3, STEP = 50;
  const Base = window.Worker;
  if (!Base) return;

  function Wrapped(url, options) {
    const worker = new Base(url, options);
    const post = worker.postMessage.bind(worker);
    let query = null, total = 0, shown = 0;

    worker.postMessage = (message, ...rest) => {
      if (message && message.type === QUERY && !message.limit) query = message.data;
      return post(message, ...rest);
    };
    worker.addEventListener("message", (event) => {
      const m = event.data;
      if (!m || m.type !== RESULT || !m.data || typeof m.data.total !== "number") return;
      total = m.data.total;
      shown = Array.isArray(m.data.items) ? m.data.items.length : 0;
      schedule();
    });

    // Material renders after the message; write once it has, and again if it rewrites the line.
    let observer = null;
    function schedule() {
      setTimeout(apply, 0);
      if (!observer) {
        observer = new MutationObserver(apply);
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      }
    }
    function apply() {
      const meta = document.querySelector(".md-search-result__meta");
      if (!meta || !query) return;
      const text = total === 0 ? "No matching documents"
        : total === shown ? `${total} matching document${total === 1 ? "" : "s"}`
        : `${total} matching documents, the best ${shown} shown`;
      if (meta.textContent !== text) meta.textContent = text;
      let button = document.querySelector(".rl-search-more");
      if (total > shown) {
        if (!button) {
          button = document.createElement("button");
          button.type = "button";
          button.className = "md-button rl-search-more";
          button.addEventListener("click", () => post({ type: QUERY, data: query, limit: shown + STEP }));
          const list = document.querySelector(".md-search-result__list");
          if (list) list.after(button);
        }
        const more = Math.min(STEP, total - shown);
        const label = `Show ${more} more result${more === 1 ? "" : "s"}`;
        if (button.textContent !== label) button.textContent = label;
      } else if (button) {
        button.remove();
      }
    }
    return worker;
  }
  Wrapped.prototype = Base.prototype;
  window.Worker = Wrapped;
})();
