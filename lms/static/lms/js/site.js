// Small progressive enhancements for the site's own pages. Everything here is optional: each
// page still works without JavaScript, and no page carries inline script, so the
// Content-Security-Policy can forbid it (script-src 'self').
(function () {
  "use strict";

  // <form data-autosubmit>: submit as soon as a field changes (the language switcher).
  function autosubmit() {
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () { form.submit(); });
    });
  }

  // <img data-refresh-seconds="N">: reload only the image so a projected QR code rotates
  // while the page itself stays still.
  function refreshImages() {
    document.querySelectorAll("img[data-refresh-seconds]").forEach(function (img) {
      var seconds = parseInt(img.dataset.refreshSeconds, 10);
      var base = img.getAttribute("src");
      if (seconds > 0) {
        setInterval(function () { img.src = base + "?t=" + Date.now(); }, seconds * 1000);
      }
    });
  }

  // <button data-check-all="VALUE">: tick every radio with that value in the button's form
  // so the trainer can adjust before saving; without script the button posts to the server.
  function checkAll() {
    document.querySelectorAll("button[data-check-all]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var value = button.dataset.checkAll;
        button.form.querySelectorAll("input[type=radio]").forEach(function (radio) {
          if (radio.value === value) { radio.checked = true; }
        });
      });
    });
  }

  // #zip-job[data-progress-url]: poll the certificate ZIP job and show the download link.
  function zipProgress() {
    var box = document.getElementById("zip-job");
    if (!box || !box.dataset.progressUrl) { return; }
    var url = box.dataset.progressUrl;
    function poll() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
        document.getElementById("zip-bar").style.width = data.percent + "%";
        document.getElementById("zip-status").textContent = data.done + " / " + data.total;
        if (data.status === "done") {
          var link = document.getElementById("zip-link");
          link.href = data.download_url;
          link.hidden = false;
        } else {
          setTimeout(poll, 1500);
        }
      }).catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  }

  function start() {
    autosubmit();
    refreshImages();
    checkAll();
    zipProgress();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
