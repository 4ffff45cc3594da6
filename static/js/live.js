// A live report's open page asks for new updates every few seconds and adds them
// on top, newest first, without reloading. Without script the page shows the
// updates it was served with.
(function () {
  "use strict";
  var live = document.querySelector(".live[data-live-url]");
  if (!live || !window.fetch) return;
  var list = live.querySelector(".live__updates");
  var seconds = Math.max(1, parseInt(live.getAttribute("data-poll-seconds"), 10) || 30);

  function shown(id) {
    return list.querySelector('[data-update="' + id + '"]') !== null;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function item(update) {
    var li = element("li", "live__update live__update--new");
    li.id = "pembaruan-" + update.id;
    li.setAttribute("data-update", update.id);
    var when = element("p", "live__time");
    var time = element("time", "", update.time);
    time.setAttribute("datetime", update.at);
    when.appendChild(time);
    li.appendChild(when);
    if (update.title) li.appendChild(element("h3", "live__title", update.title));
    update.paragraphs.forEach(function (text) {
      li.appendChild(element("p", "", text));
    });
    return li;
  }

  function poll() {
    fetch(live.getAttribute("data-live-url"), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        // The answer is newest first: insert the oldest new one first, each on top.
        data.updates.slice().reverse().forEach(function (update) {
          if (!shown(update.id)) list.insertBefore(item(update), list.firstChild);
        });
      })
      .catch(function () { /* offline for a moment: try again next time */ })
      .then(function () { window.setTimeout(poll, seconds * 1000); });
  }

  window.setTimeout(poll, seconds * 1000);
})();
