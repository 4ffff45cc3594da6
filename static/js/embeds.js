// Embed cards (templates/includes/embed_card.html): the provider's frame is made only when
// the reader clicks "Muat konten ...". Until then the page holds nothing of the provider's.
(function () {
  "use strict";
  if (window.newsroomEmbeds) return; // included once per page, but safe twice
  window.newsroomEmbeds = true;

  function load(card) {
    var src = card.getAttribute("data-embed-frame");
    if (!src || !/^https:\/\//.test(src)) return;
    var frame = document.createElement("iframe");
    frame.className = "embed__frame";
    frame.src = src;
    frame.title = card.getAttribute("data-embed-title") || "";
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    // Scripts in the frame, never navigating our page.
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups " +
      "allow-popups-to-escape-sandbox allow-presentation");
    card.classList.add("embed--loaded");
    card.replaceChildren(frame);
    frame.focus();
  }

  document.querySelectorAll("[data-embed-card] [data-embed-load]").forEach(function (button) {
    button.hidden = false; // without this script the card stays a link to the post
    button.addEventListener("click", function () {
      load(button.closest("[data-embed-card]"));
    });
  });
})();
