// The kata editor: CodeMirror over the textarea (the textarea alone works without JavaScript), with autosave to
// the server (the workspace file) and to localStorage, so a reload or a server crash loses nothing typed.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("kata-form");
  const area = document.getElementById("source");
  if (!form || !area) return;
  const key = "mldrill-draft:" + form.dataset.kata;
  const saved = document.getElementById("saved");
  const stored = localStorage.getItem(key);
  if (stored !== null && stored !== area.value && stored.length > 0) area.value = stored;
  let view = null;
  const current = () => (view ? view.state.doc.toString() : area.value);
  let timer = null;
  const save = () => {
    const source = current();
    localStorage.setItem(key, source);
    const body = new FormData();
    body.append("csrf", form.querySelector("[name=csrf]").value);
    body.append("source", source);
    fetch(`/katas/${form.dataset.kata}/draft`, { method: "POST", body })
      .then((r) => { if (saved) saved.textContent = r.ok ? "draft saved" : "draft not saved"; })
      .catch(() => { if (saved) saved.textContent = "draft kept in this browser"; });
  };
  const changed = () => { clearTimeout(timer); timer = setTimeout(save, 800); };
  if (window.CM && window.CM.EditorView) {
    const { EditorView, basicSetup, python } = window.CM;
    view = new EditorView({
      doc: area.value,
      extensions: [
        basicSetup,
        python(),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          area.value = current(); // the hidden textarea is what the form (plain or htmx) submits
          changed();
        }),
      ],
    });
    area.style.display = "none";
    area.parentNode.insertBefore(view.dom, area);
    form.addEventListener("submit", () => { area.value = current(); localStorage.setItem(key, area.value); });
    form.addEventListener("htmx:beforeRequest", () => { localStorage.setItem(key, current()); });
  } else {
    area.addEventListener("input", changed);
  }
  window.addEventListener("beforeunload", () => localStorage.setItem(key, current()));
});
