// "Salin tautan": shown only where the browser can copy; the share links work without it.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll(".share__copy[data-url]").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-url")).then(
        function () { button.textContent = "Tautan disalin"; },
        function () { button.textContent = "Gagal menyalin"; }
      ).then(function () {
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
