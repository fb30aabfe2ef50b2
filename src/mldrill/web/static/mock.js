// The mock interview page: the session and answer clocks (from the server's times, corrected for this computer's
// clock), the typed answer kept in localStorage until it is sent (a reload loses nothing), Ctrl/Cmd+Enter sends it,
// and the rating the ticks give (study/mock.py's rule: all Good, at least half Hard, fewer Again; the trap lowers it
// one step) shown as you tick.
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("clocks");
  if (bar) {
    const skew = Date.parse(bar.dataset.now) - Date.now(); // server time minus this computer's
    const since = (iso) => (Date.now() + skew - Date.parse(iso)) / 1000;
    const fmt = (s) => { s = Math.max(0, Math.round(s)); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`; };
    const set = (id, text, over) => {
      const el = document.getElementById(id);
      if (!el) return;
      el.textContent = text;
      el.classList.toggle("over", Boolean(over));
    };
    const tick = () => {
      const total = Number(bar.dataset.total);
      const s = since(bar.dataset.started);
      set("session-clock", fmt(s), s > total);
      if (bar.dataset.shown) {
        const a = bar.dataset.answered ? (Date.parse(bar.dataset.answered) - Date.parse(bar.dataset.shown)) / 1000 : since(bar.dataset.shown);
        set("answer-clock", fmt(a), a > 90);
      }
      if (bar.dataset.kata) {
        const k = since(bar.dataset.kata);
        set("kata-clock", fmt(k), k > Number(bar.dataset.kataBudget));
      }
    };
    tick();
    setInterval(tick, 1000);
  }
  const answer = document.getElementById("answer");
  if (answer) {
    const key = answer.dataset.key;
    const kept = localStorage.getItem(key);
    if (kept && !answer.value) answer.value = kept;
    answer.addEventListener("input", () => localStorage.setItem(key, answer.value));
    answer.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); answer.form.requestSubmit(); }
    });
    answer.form.addEventListener("submit", () => localStorage.removeItem(key));
  }
  const proposed = document.getElementById("proposed");
  const ticks = document.getElementById("ticks-form");
  if (proposed && ticks) {
    const update = () => {
      const n = Number(proposed.dataset.n);
      const k = ticks.querySelectorAll("input[name=hit]:checked").length;
      const trap = ticks.querySelector("input[name=trap]");
      let r = k === n ? 3 : 2 * k >= n ? 2 : 1;
      if (trap && trap.checked) r = Math.max(1, r - 1);
      proposed.textContent = { 1: "Again", 2: "Hard", 3: "Good" }[r];
    };
    ticks.addEventListener("change", update);
    update();
  }
});
