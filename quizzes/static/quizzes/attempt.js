// Quiz attempt page: countdown from the server's remaining seconds, autosave, submit once.
// The server is the authority on time: this timer only informs and submits at zero.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) return;
  var status = document.getElementById("quiz-save-status");
  var submitButton = document.getElementById("quiz-submit");
  var countdown = document.getElementById("quiz-countdown");
  var dirty = false;
  var submitting = false;
  var saveTimer = null;

  function save() {
    if (submitting || !dirty) return;
    dirty = false;
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.saved) {
          status.textContent = form.dataset.savedText + " " + new Date().toLocaleTimeString("vi-VN");
        } else {
          status.textContent = data.error || form.dataset.saveFailedText;
        }
      })
      .catch(function () {
        dirty = true;
        status.textContent = form.dataset.saveFailedText;
      });
  }

  function changed() {
    dirty = true;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 1500);
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  setInterval(save, 20000);

  form.addEventListener("submit", function (event) {
    if (submitting) {
      event.preventDefault();
      return;
    }
    submitting = true;
    // Disable after the browser has taken the form data, so the submit still goes through.
    setTimeout(function () { submitButton.disabled = true; }, 0);
  });

  if (countdown) {
    var remaining = parseInt(countdown.dataset.remaining, 10);
    var endsAt = Date.now() + remaining * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      countdown.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left <= 60) countdown.parentNode.classList.add("callout-warning");
      if (left <= 3) save(); // flush the last answers while the server still accepts them
      if (left === 0 && !submitting) {
        status.textContent = form.dataset.timeUpText;
        submitting = true;
        submitButton.disabled = true;
        form.submit();
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
