// Typeset every formula the server marked: span.math holds \( ... \), div.math holds \[ ... \].
// Runs on the page and again on every fragment htmx swaps in (the drill's next card, a kata's verdict).
function typeset(root) {
  if (!window.katex) return;
  for (const el of root.querySelectorAll(".math")) {
    if (el.dataset.typeset) continue;
    const display = el.classList.contains("display");
    const tex = el.textContent.trim().replace(/^\\[\[(]/, "").replace(/\\[\])]$/, "");
    try {
      katex.render(tex, el, { displayMode: display, throwOnError: false });
      el.dataset.typeset = "1";
    } catch (e) {
      /* leave the TeX source readable */
    }
  }
}
if (window.htmx) {
  htmx.onLoad(typeset); // called for the whole body first, then for each swapped-in fragment
} else {
  document.addEventListener("DOMContentLoaded", () => typeset(document));
}

// Anki's keys on the drill page: space (or enter) reveals and, once the answer shows, rates Good; 1-4 rate; u or
// Ctrl+Z undoes; - buries, @ suspends, * flags, ? shows the keys. Each maps to the link or button carrying data-key
// (data-key2: a second key, e.g. space on the Good button). While a request is in flight keys are ignored, so a
// double press cannot rate the next card unseen (the server also refuses a rating aimed at a card that is no longer
// current). A key pressed once the new card shows but before htmx has wired up its forms (the swap's settle step)
// waits for that step: pressed earlier, it would submit a form the old way (a full page load).
let busy = false;
let settling = false;
let pending = null;
function keyTarget(key) {
  const k = CSS.escape(key);
  return document.querySelector(`[data-key="${k}"]`) || document.querySelector(`[data-key2="${k}"]`);
}
document.addEventListener("htmx:beforeRequest", () => { busy = true; });
document.addEventListener("htmx:afterSwap", () => { busy = false; settling = true; });
document.addEventListener("htmx:afterSettle", () => {
  settling = false;
  const key = pending;
  pending = null;
  if (key !== null && !busy) keyTarget(key)?.click();
});
document.addEventListener("htmx:afterRequest", (ev) => { if (!ev.detail.successful) busy = settling = false; });
document.addEventListener("keydown", (ev) => {
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName)) return;
  if (ev.target.closest && ev.target.closest(".cm-editor")) return;
  const undo = (ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === "z";
  if (!undo && (ev.ctrlKey || ev.metaKey || ev.altKey)) return;
  const key = undo ? "u" : ev.key === "Enter" ? " " : ev.key;
  const target = keyTarget(key);
  if (target) {
    ev.preventDefault();
    if (busy) return;
    if (settling) pending = key;
    else target.click();
  }
});

// "?" (or the Keys button) shows and hides the list of keys on the drill page. The state is a class on <body>,
// which htmx never swaps, so the list stays open across cards.
document.addEventListener("click", (ev) => {
  if (ev.target.closest && ev.target.closest(".keys-help")) document.body.classList.toggle("keys-open");
});

// A refused htmx request (a drill session lost to a server restart, a stale form) shows the server's error page in
// place of the page body instead of failing silently.
document.addEventListener("htmx:responseError", (ev) => {
  const xhr = ev.detail.xhr;
  const main = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("main");
  const here = document.querySelector("main");
  if (main && here) here.replaceWith(main);
  else alert(`The server answered ${xhr.status}: ${xhr.responseText.slice(0, 300)}`);
});
