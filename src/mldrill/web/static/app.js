// Typeset every formula the server marked: span.math holds \( ... \), div.math holds \[ ... \].
document.addEventListener("DOMContentLoaded", () => {
  if (!window.katex) return;
  for (const el of document.querySelectorAll(".math")) {
    const display = el.classList.contains("display");
    const tex = el.textContent.trim().replace(/^\\[\[(]/, "").replace(/\\[\])]$/, "");
    try {
      katex.render(tex, el, { displayMode: display, throwOnError: false });
    } catch (e) {
      /* leave the TeX source readable */
    }
  }
});

// Anki's keys on the drill page: space reveals, 1-4 rate, u undoes (each maps to a link or button with data-key).
document.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName)) return;
  const key = ev.key === "Enter" ? " " : ev.key;
  const target = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (target) {
    ev.preventDefault();
    target.click();
  }
});
