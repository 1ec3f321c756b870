// Small progressive enhancements for the site's own pages. Everything here is optional: each
// page still works without JavaScript, and no page carries inline script, so the
// Content-Security-Policy can forbid it (script-src 'self').
(function () {
  "use strict";

  // <button data-nav-toggle aria-controls="ID">: the phone menu. Without script the button stays
  // hidden and the menu open; with it the menu folds on narrow screens (CSS decides when the
  // button shows), opening moves focus to the first link and Escape closes it again.
  function navToggle() {
    document.querySelectorAll("button[data-nav-toggle]").forEach(function (button) {
      var nav = document.getElementById(button.getAttribute("aria-controls"));
      if (!nav) { return; }
      function setOpen(open) {
        button.setAttribute("aria-expanded", open ? "true" : "false");
        if (open) { nav.removeAttribute("data-collapsed"); } else { nav.setAttribute("data-collapsed", ""); }
      }
      button.hidden = false;
      setOpen(false);
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        setOpen(open);
        if (open) {
          var first = nav.querySelector("a, button, select, input");
          if (first) { first.focus(); }
        }
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true"
            && getComputedStyle(button).display !== "none") {
          setOpen(false);
          button.focus();
        }
      });
    });
  }

  // <details data-nav-group>: the staff menu. Escape closes it onto its summary, and a click
  // elsewhere closes it, as a menu button would.
  function navGroups() {
    var groups = document.querySelectorAll("details[data-nav-group]");
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      groups.forEach(function (group) {
        if (group.open) {
          group.open = false;
          group.querySelector("summary").focus();
          event.stopImmediatePropagation();
        }
      });
    }, true);
    document.addEventListener("click", function (event) {
      groups.forEach(function (group) {
        if (group.open && !group.contains(event.target)) { group.open = false; }
      });
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
        document.getElementById("zip-progress").setAttribute("aria-valuenow", String(data.percent));
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
    navToggle();
    navGroups();
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
