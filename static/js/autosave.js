// Keeps the story form's draft on the server while the editor types: every few
// seconds when something changed, and once more when the page goes away. Offers
// an autosave newer than the last save back into the form ("Pulihkan").
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const status = document.getElementById("autosave");
  const form = document.getElementById("article_form");
  if (!status || !form) return;
  const url = status.dataset.autosaveUrl;
  const seconds = Number(status.dataset.autosaveSeconds) || 5;
  let changed = false;
  let submitting = false;

  function formBody() {
    const body = new FormData(form);
    for (const [name, value] of Array.from(body.entries())) {
      if (value instanceof File) body.delete(name);
    }
    return body;
  }

  function save(leaving) {
    if (!changed || submitting) return;
    changed = false;
    const body = formBody();
    if (leaving) {
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response)))
      .then((data) => {
        status.textContent = "Tersimpan otomatis " + data.saved_at;
      })
      .catch((response) => {
        if (response && response.status === 413) {
          // Too large to keep: said once; tried again after the next change.
          response.json().then((data) => { status.textContent = data.error; });
          return;
        }
        changed = true; // offline or refused: try again at the next tick
        status.textContent = "Belum tersimpan otomatis; mencoba lagi.";
      });
  }

  form.addEventListener("input", () => { changed = true; });
  form.addEventListener("change", () => { changed = true; });
  form.addEventListener("submit", () => { submitting = true; });
  setInterval(() => save(false), seconds * 1000);
  window.addEventListener("pagehide", () => save(true));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save(true);
  });

  const recovery = document.getElementById("autosave-recovery");
  const kept = document.getElementById("autosave-data");
  if (!recovery || !kept) return;
  const data = JSON.parse(kept.textContent);
  document.getElementById("autosave-restore").addEventListener("click", () => {
    for (const [name, value] of Object.entries(data)) {
      const fields = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      const values = Array.isArray(value) ? value : [value];
      fields.forEach((field) => {
        if (field.type === "file" || field.type === "hidden") return;
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = values.includes(field.value) || (field.value === "on" && values.length > 0);
        } else if (field.tagName === "SELECT") {
          if (Array.from(field.options).some((option) => option.value === values[0])) {
            field.value = values[0];
          }
        } else {
          field.value = values[0];
        }
      });
    }
    changed = true;
    recovery.hidden = true;
    status.textContent = "Perubahan dipulihkan ke formulir; simpan untuk menyimpannya.";
  });
  document.getElementById("autosave-dismiss").addEventListener("click", () => {
    recovery.hidden = true;
  });
});
