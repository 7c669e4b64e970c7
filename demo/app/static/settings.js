// Saves the notification settings.
//
// DELIBERATELY BROKEN for the Argus demo. Two bugs, as they happen in real
// code: the response status is never checked, so the server's 500 goes
// unnoticed, and the confirmation helper was renamed to showStatus()
// without updating this call site, so saving throws a ReferenceError in
// the console and the "Settings saved." confirmation never appears.
(function () {
  "use strict";

  var form = document.getElementById("settings-form");
  var status = document.getElementById("settings-status");

  function showStatus(message) {
    status.textContent = message;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {
      weeklyDigest: form.elements.weeklyDigest.checked,
      backInStock: form.elements.backInStock.checked,
      language: form.elements.language.value
    };
    fetch("/api/settings", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    })
      .then(function (response) {
        return response.json();
      })
      .then(function () {
        renderSavedBanner("Settings saved.");
      });
  });

  // Kept so the page works once the bug above is fixed.
  window.addEventListener("pageshow", function () {
    showStatus("");
  });
})();
