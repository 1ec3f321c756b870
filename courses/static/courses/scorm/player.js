/* The lesson page's side of the SCORM player: receives what the package frame commits by
 * postMessage and posts it to the site's runtime endpoint with the person's CSRF token. */
(function () {
  "use strict";
  var player = document.querySelector("[data-scorm-player]");
  if (!player) return;
  var frame = player.querySelector("iframe");
  var runtimeUrl = player.getAttribute("data-runtime-url");
  var csrfToken = player.getAttribute("data-csrf-token");
  var status = document.querySelector("[data-scorm-status]");
  var queue = Promise.resolve();

  // The package's own frames are nested inside the player frame; any other window is ignored.
  function fromPlayer(source, windowToCheck, depth) {
    if (!windowToCheck || depth > 4) return false;
    if (source === windowToCheck) return true;
    for (var i = 0; i < windowToCheck.length; i++) {
      if (fromPlayer(source, windowToCheck[i], depth + 1)) return true;
    }
    return false;
  }

  function showStatus(text, className) {
    if (!status) return;
    status.textContent = text;
    status.className = className;
  }

  function showDone() {
    showStatus(status && status.getAttribute("data-done-label"), "badge badge-ok");
    if (status) status.setAttribute("data-done", "1");
  }

  function save(values, keepalive) {
    return fetch(runtimeUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ values: values }),
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer && answer.lesson_done) showDone();
        if (answer && !answer.ok) showStatus(answer.error, "badge badge-warn");
      })
      .catch(function () { /* the next commit sends the latest values again */ });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "lms-scorm" || !fromPlayer(event.source, frame.contentWindow, 0)) {
      return;
    }
    if (!runtimeUrl || typeof data.values !== "object" || data.values === null) return;
    var keepalive = JSON.stringify(data.values).length < 60000;
    queue = queue.then(function () { return save(data.values, keepalive); });
  });
})();
