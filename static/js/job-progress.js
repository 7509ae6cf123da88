// Follows a background job: polls its status and updates the progress bar until it ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var percent = box.querySelector(".job-percent");
  var state = box.querySelector(".job-state");
  var message = box.querySelector(".job-message");
  var error = box.querySelector(".job-error");

  function update(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + " %";
    percent.textContent = data.progress + " %";
    state.textContent = data.state_label;
    message.textContent = data.message;
    if (data.error) { error.textContent = data.error; error.hidden = false; }
    box.setAttribute("data-job-state", data.state);
    if (data.finished) {
      document.dispatchEvent(new CustomEvent("job:finished", { detail: data }));
      if (box.hasAttribute("data-reload-when-done")) { window.location.reload(); }
      return;
    }
    window.setTimeout(poll, 1000);
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(update)
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  poll();
})();
