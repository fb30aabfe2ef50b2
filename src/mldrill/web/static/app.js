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
