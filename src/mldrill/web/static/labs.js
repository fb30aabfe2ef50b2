// Lab sliders show their value while they move; the form itself is plain GET (htmx re-renders on change).
document.addEventListener("input", (ev) => {
  const el = ev.target;
  if (el.matches && el.matches("input[type=range][data-out]")) {
    const out = document.getElementById(el.dataset.out);
    if (out) out.value = el.value;
  }
});
