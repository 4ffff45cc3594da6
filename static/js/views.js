// Counts a reader's view of a story served by the edge cache, which never reaches
// the app: one beacon per page shown (the app counts each reader once per window).
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !navigator.sendBeacon) return;
  navigator.sendBeacon(script.dataset.viewUrl);
})();
