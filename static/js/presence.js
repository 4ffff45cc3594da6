// Keeps "who has this story open" current: a heartbeat while the page is open,
// a goodbye when it closes, and the banner updated with the others' names.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const banner = document.getElementById("presence");
  if (!banner) return;
  const url = banner.dataset.presenceUrl;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  const names = banner.querySelector("strong");

  function send(closing) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token ? token.value : "");
    if (closing) {
      body.append("closing", "1");
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data) return;
        names.textContent = data.others.join(", ");
        banner.hidden = data.others.length === 0;
      });
  }

  setInterval(() => send(false), Number(banner.dataset.heartbeatSeconds) * 1000);
  window.addEventListener("pagehide", () => send(true));
});
