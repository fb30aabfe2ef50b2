// The kata editor: CodeMirror over the textarea (the textarea alone works without JavaScript), with autosave to
// the server (the workspace file, shared with `mldrill kata start` and your own editor) and to localStorage, so a
// reload or a server crash loses nothing typed.
//
// localStorage keeps {text, base}: what is in the editor, and the server's draft it was last in step with. On load,
// the browser's text wins only when the server still holds that base (so the edits are the browser's own, not yet
// saved); when the file changed elsewhere since, the server's version wins and nothing stale overwrites it.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("kata-form");
  const area = document.getElementById("source");
  if (!form || !area) return;
  // A mock interview's kata step names its own draft URL and storage key (web/mock.py): its draft lives in the mock.
  const key = "mldrill-draft:" + (form.dataset.key || form.dataset.kata);
  const draftUrl = form.dataset.draft || `/katas/${form.dataset.kata}/draft`;
  const saved = document.getElementById("saved");
  const say = (text) => { if (saved) saved.textContent = text; };
  let base = area.value; // the server's draft as this page received it
  let stored = null;
  try { stored = JSON.parse(localStorage.getItem(key)); } catch (e) { stored = null; }
  if (stored && stored.base === base && typeof stored.text === "string" && stored.text !== base) {
    area.value = stored.text;
    say("restored edits not yet saved to the server");
  }
  let view = null;
  const current = () => (view ? view.state.doc.toString() : area.value);
  const remember = () => localStorage.setItem(key, JSON.stringify({ text: current(), base }));
  let timer = null;
  const save = () => {
    const source = current();
    remember();
    const body = new FormData();
    body.append("csrf", form.querySelector("[name=csrf]").value);
    body.append("source", source);
    fetch(draftUrl, { method: "POST", body })
      .then((r) => {
        if (r.ok) { base = source; remember(); }
        say(r.ok ? "draft saved" : "draft not saved");
      })
      .catch(() => say("draft kept in this browser"));
  };
  const changed = () => { remember(); clearTimeout(timer); timer = setTimeout(save, 800); };
  if (area.value !== base) changed(); // restored edits: send them to the server too
  // Ctrl/Cmd+Enter runs the checks (from the editor or the plain textarea).
  const run = () => {
    const button = document.getElementById("run");
    if (button && !button.disabled) button.click();
    return true;
  };
  if (window.CM && window.CM.EditorView) {
    const { EditorView, EditorState, Prec, basicSetup, python, keymap, indentUnit, indentWithTab } = window.CM;
    view = new EditorView({
      doc: area.value,
      extensions: [
        basicSetup,
        python(),
        indentUnit.of("    "), // PEP 8: Enter after a colon and Tab indent by four spaces
        EditorState.tabSize.of(4),
        keymap.of([indentWithTab]), // Tab indents (Escape then Tab moves focus on, as CodeMirror documents)
        Prec.highest(keymap.of([{ key: "Mod-Enter", run }])),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          area.value = current(); // the hidden textarea is what the form (plain or htmx) submits
          changed();
        }),
      ],
    });
    area.style.display = "none";
    area.parentNode.insertBefore(view.dom, area);
  } else {
    area.addEventListener("input", changed);
    area.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); }
    });
  }
  // Reset to the starter: asks first; the server writes the starter into the workspace and the page reloads with it.
  const reset = document.getElementById("reset-form");
  if (reset) {
    reset.addEventListener("submit", (ev) => {
      if (!confirm("Replace your code in the editor with the starter? Your checked attempts keep their code.")) {
        ev.preventDefault();
        return;
      }
      clearTimeout(timer); // a pending autosave must not write the old code back after the reset
      localStorage.removeItem(key);
      window.removeEventListener("beforeunload", remember);
    });
  }
  // A check saves the draft on the server before it runs.
  form.addEventListener("submit", () => { area.value = current(); remember(); });
  form.addEventListener("htmx:afterRequest", (ev) => {
    if (ev.detail.successful) { base = area.value; remember(); }
  });
  window.addEventListener("beforeunload", remember);
});
