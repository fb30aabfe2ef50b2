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
// Rapid-fire (drill page, mode rapid): count the seconds down on the question and show the answer at 0. One timer
// at a time: a new card (htmx swap) replaces the countdown element, and the old timer stops when it is gone.
let countdownTimer = null;
function startCountdown(root) {
  const el = (root.querySelector && root.querySelector("#countdown")) || document.getElementById("countdown");
  if (!el || el.dataset.started) return;
  el.dataset.started = "1";
  let left = parseInt(el.dataset.seconds, 10) || 8;
  const out = el.querySelector("span");
  if (countdownTimer) clearInterval(countdownTimer);
  countdownTimer = setInterval(() => {
    if (!document.body.contains(el)) { clearInterval(countdownTimer); return; }
    left -= 1;
    if (out) out.textContent = String(Math.max(left, 0));
    if (left <= 0) {
      clearInterval(countdownTimer);
      el.classList.add("up");
      const reveal = document.getElementById("reveal");
      if (reveal && !busy) reveal.click();
    }
  }, 1000);
}
function onLoad(root) { typeset(root); startCountdown(root); }
if (window.htmx) {
  htmx.onLoad(onLoad); // called for the whole body first, then for each swapped-in fragment
} else {
  document.addEventListener("DOMContentLoaded", () => onLoad(document));
}

// Anki's keys on the drill page: space (or enter) reveals and, once the answer shows, rates Good; 1-4 rate; u or
// Ctrl+Z undoes; - buries, @ suspends, * flags, ? shows the keys. Each maps to the link or button carrying data-key
// (data-key2: a second key, e.g. space on the Good button). While a request is in flight keys are ignored, so a
// double press cannot rate the next card unseen (the server also refuses a rating aimed at a card that is no longer
// current). A key pressed once the new card shows but before htmx has wired up its forms (the swap's settle step)
// waits for that step: pressed earlier, it would submit a form the old way (a full page load).
let busy = false;
let settling = false;
let queuedKey = null;
function keyTarget(key) {
  const k = CSS.escape(key);
  return document.querySelector(`[data-key="${k}"]`) || document.querySelector(`[data-key2="${k}"]`);
}
document.addEventListener("htmx:beforeRequest", () => { busy = true; });
document.addEventListener("htmx:afterSwap", () => { busy = false; settling = true; });
document.addEventListener("htmx:afterSettle", () => {
  settling = false;
  const key = queuedKey;
  queuedKey = null;
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
    if (settling) queuedKey = key;
    else target.click();
  }
});

// A banner at the top of the page: the server is unreachable, or refused what was sent.
function banner(text, kind) {
  let el = document.getElementById("banner");
  if (!text) { if (el) el.remove(); return; }
  if (!el) {
    el = document.createElement("div");
    el.id = "banner";
    el.setAttribute("role", "alert");
    document.body.insertBefore(el, document.body.firstChild);
  }
  el.className = `banner ${kind || ""}`;
  el.textContent = text;
}

// The server does not answer (stopped, restarting): say so, keep what was pressed (a rating, a check) and send it
// again once the server is back, so nothing pressed is silently dropped. Only the last press is kept: pressing
// another rating while waiting replaces it, as it would on a live page.
let pending = null;
let retryTimer = null;
function pressed(elt) {
  const button = elt.querySelector ? elt.querySelector("button") : null;
  return (button || elt).textContent.replace(/\s+/g, " ").trim();
}
function retry() {
  fetch("/static/favicon.svg", { cache: "no-store" })
    .then((r) => {
      if (!r.ok) throw new Error(String(r.status));
      const elt = pending;
      pending = null;
      retryTimer = null;
      banner(null);
      if (elt && document.body.contains(elt)) htmx.trigger(elt, elt.tagName === "FORM" ? "submit" : "click");
    })
    .catch(() => { retryTimer = setTimeout(retry, 2000); });
}
document.addEventListener("htmx:sendError", (ev) => {
  busy = false;
  pending = ev.detail.elt;
  banner(`The mldrill server is not answering. "${pressed(pending)}" is kept and will be sent when it is back ` +
         "(checking every 2 s; start it again with `mldrill serve`).", "offline");
  if (!retryTimer) retryTimer = setTimeout(retry, 2000);
});

// "?" (or the Keys button) shows and hides the list of keys on the drill page. The state is a class on <body>,
// which htmx never swaps, so the list stays open across cards.
document.addEventListener("click", (ev) => {
  if (ev.target.closest && ev.target.closest(".keys-help")) document.body.classList.toggle("keys-open");
});

// A refused htmx request: a drill whose session is gone shows the server's page in place of the card (it links
// to a new drill); anywhere else (the kata editor, a form) the page stays as it is and a banner says what the
// server answered, so nothing on screen, typed or not, disappears.
document.addEventListener("htmx:responseError", (ev) => {
  const xhr = ev.detail.xhr;
  const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
  const main = doc.querySelector("main");
  const here = document.querySelector("main");
  if (main && here && ev.detail.elt.closest && ev.detail.elt.closest("#card")) {
    here.replaceWith(main);
    return;
  }
  const said = doc.getElementById("error");
  const detail = said ? said.textContent : xhr.responseText.slice(0, 300);
  banner(`The server answered ${xhr.status}: ${detail.trim()}`, "refused");
});

// A link to a card on its topic page (/topics/attention#attention/why-scale, from the drill, the log or a failed
// kata check) opens that card's answer and brings it into view.
function openLinkedCard() {
  if (!location.hash) return;
  const li = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const details = li && li.querySelector("details");
  if (details) {
    details.open = true;
    li.scrollIntoView({ block: "start" });
  }
}
document.addEventListener("DOMContentLoaded", openLinkedCard);
window.addEventListener("hashchange", openLinkedCard);
