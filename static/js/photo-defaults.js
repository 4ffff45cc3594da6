// The story form: choosing a photo fills the story's own caption and credit, where they
// are empty, with the photo's defaults (GET <admin>/articles/photo/<id>/defaults/), as
// saving the story would. The fields stay the editor's to change.
(function () {
  "use strict";

  var marker = "/articles/article/";

  function adminRoot() {
    var at = window.location.pathname.indexOf(marker);
    return at < 0 ? null : window.location.pathname.slice(0, at);
  }

  function fill(field, value) {
    if (field && !field.value.trim() && value) {
      field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function chosen(select) {
    var root = adminRoot();
    if (!root || !select.value) {
      return;
    }
    fetch(root + "/articles/photo/" + encodeURIComponent(select.value) + "/defaults/", {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (defaults) {
        if (defaults) {
          fill(document.getElementById("id_photo_caption"), defaults.caption);
          fill(document.getElementById("id_photo_credit"), defaults.credit);
        }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("id_photo");
    if (!select) {
      return;
    }
    // The autocomplete (select2) announces a choice through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(select).on("change", function () {
        chosen(select);
      });
    } else {
      select.addEventListener("change", function () {
        chosen(select);
      });
    }
  });
})();
