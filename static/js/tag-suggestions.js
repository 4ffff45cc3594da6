// Suggests existing tags for the last comma-separated entry of the story form's tag field.
// The suggestions are whole field values ("Banjir, Garut") so the browser's own
// <datalist> dropdown can offer them.
// Admin form media load in <head>, so wait for the form.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const input = document.getElementById("id_tags");
  if (!input || !input.dataset.suggestUrl) return;
  const list = document.createElement("datalist");
  list.id = "tag-suggestions";
  input.after(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  let timer = null;

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });

  function suggest() {
    const parts = input.value.split(",");
    const fragment = parts.pop().trim();
    if (!fragment) return;
    const prefix = parts.map((part) => part.trim()).filter(Boolean);
    const url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(fragment);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { tags: [] }))
      .then((data) => {
        list.replaceChildren(
          ...data.tags
            .filter((name) => !prefix.includes(name))
            .map((name) => {
              const option = document.createElement("option");
              option.value = prefix.concat(name).join(", ");
              return option;
            })
        );
      });
  }
});
