// Upload progress for message forms with files (MSG-2). Without this script the form posts as
// usual; with it, the same request goes by XMLHttpRequest so the bar can show how far it is.
(function () {
  "use strict";
  document.querySelectorAll("form.message-form").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector(".message-files__progress");
    if (!input || !bar || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    form.addEventListener("submit", function (event) {
      if (!input.files || input.files.length === 0) {
        return;
      }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open(form.method, form.action);
      bar.hidden = false;
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          bar.value = Math.round((progress.loaded / progress.total) * 100);
        }
      });
      request.addEventListener("load", function () {
        if (request.status === 200 && request.responseURL && request.responseURL !== form.action) {
          window.location.assign(request.responseURL);
          return;
        }
        // The form came back with its problems: show that page as the browser would have.
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        bar.hidden = true;
        form.submit();
      });
      var buttons = form.querySelectorAll("button[type=submit]");
      buttons.forEach(function (button) { button.disabled = true; });
      request.send(new FormData(form));
    });
  });
})();
