// The return's screen (templates/observatory/returns/edit.html) saves as the delegate goes:
// a changed figure is posted with the whole form to the JSON endpoint (return_save), the
// lock version the page stands on travelling with it; the answer puts the messages next to
// the figures and the totals in place. A conflict (a colleague saved meanwhile) or a refusal
// stops the autosaving and says why. Without this script, « Save » posts the same form.
(function () {
  "use strict";
  var form = document.getElementById("return-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-save-url");
  var status = document.getElementById("save-status");
  var texts = {
    saving: form.getAttribute("data-text-saving"),
    failed: form.getAttribute("data-text-failed"),
    stopped: form.getAttribute("data-text-stopped"),
    unsaved: form.getAttribute("data-text-unsaved")
  };
  var decimalComma = (document.documentElement.lang || "").indexOf("fr") === 0;
  var timer = null;
  var inflight = false;
  var again = false; // a change came while a save was on its way
  var stopped = false;
  var submitAfter = null; // the button pressed while a save was on its way

  function say(text) { status.textContent = text; }

  function alertBox(text) {
    var box = document.getElementById("form-errors");
    if (!box) {
      box = document.createElement("div");
      box.id = "form-errors";
      box.className = "form-errors";
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.querySelector(".return-toolbar"));
    }
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
  }

  // --- Totals, worked out as the figures are typed ---

  function parse(text) {
    var plain = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (plain === "" || !/^\d+(\.\d+)?$/.test(plain)) { return null; }
    return parseFloat(plain);
  }

  function shown(value) {
    var text = String(Math.round(value * 100) / 100);
    return decimalComma ? text.replace(".", ",") : text;
  }

  function total(name) {
    var cell = document.getElementById("total-" + name);
    if (!cell) { return; }
    var inputs = form.querySelectorAll('input[data-figure="' + name + '"]');
    var sum = 0;
    var any = false;
    for (var i = 0; i < inputs.length; i++) {
      var value = parse(inputs[i].value);
      if (value !== null) { sum += value; any = true; }
    }
    cell.textContent = any ? shown(sum) : "—";
  }

  // --- Saving ---

  function schedule(delay) {
    if (stopped) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function setLockVersion(value) {
    var inputs = document.querySelectorAll('input[name="lock_version"]');
    for (var i = 0; i < inputs.length; i++) { inputs[i].value = value; }
  }

  function putCell(name, cell) {
    var input = form.elements[name];
    var box = document.getElementById(cell.id + "_messages");
    if (!input || !box) { return; }
    // What is being typed in a justification stays as typed, focus and caret included.
    var typed = {};
    var areas = box.querySelectorAll("textarea");
    for (var i = 0; i < areas.length; i++) { typed[areas[i].name] = areas[i].value; }
    var active = document.activeElement;
    var focused = active && box.contains(active) ? active.name : null;
    var caret = focused ? [active.selectionStart, active.selectionEnd] : null;
    box.innerHTML = cell.html;
    areas = box.querySelectorAll("textarea");
    for (var j = 0; j < areas.length; j++) {
      if (Object.prototype.hasOwnProperty.call(typed, areas[j].name)) {
        areas[j].value = typed[areas[j].name];
      }
      if (areas[j].name === focused) {
        areas[j].focus();
        areas[j].setSelectionRange(caret[0], caret[1]);
      }
    }
    if (cell.describedby) { input.setAttribute("aria-describedby", cell.describedby); }
    else { input.removeAttribute("aria-describedby"); }
    if (cell.invalid) { input.setAttribute("aria-invalid", "true"); }
    else { input.removeAttribute("aria-invalid"); }
  }

  function answered(data) {
    if (data.cells) {
      Object.keys(data.cells).forEach(function (name) { putCell(name, data.cells[name]); });
    }
    if (data.totals) {
      Object.keys(data.totals).forEach(function (name) {
        var cell = document.getElementById("total-" + name);
        if (cell) { cell.textContent = data.totals[name] || "—"; }
      });
    }
    if (data.state === "saved") {
      setLockVersion(data.lock_version);
      var box = document.getElementById("form-errors");
      if (box) { box.parentNode.removeChild(box); }
      say(data.message);
    } else if (data.state === "conflict" || data.state === "refused") {
      stopped = true;
      say(data.message + " " + texts.stopped);
      alertBox(data.message);
    } else {
      say(data.message);
    }
  }

  function finished() {
    inflight = false;
    if (submitAfter) {
      var button = submitAfter;
      submitAfter = null;
      if (form.requestSubmit) { form.requestSubmit(button); } else { form.submit(); }
      return;
    }
    if (again && !stopped) { again = false; save(); }
  }

  function save() {
    window.clearTimeout(timer);
    if (stopped) { return; }
    if (inflight) { again = true; return; }
    inflight = true;
    again = false;
    say(texts.saving);
    var data = new FormData(form);
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": form.elements.csrfmiddlewaretoken.value
      }
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(answered)
      .catch(function () { say(texts.failed); })
      .then(finished);
  }

  form.addEventListener("input", function (event) {
    var figure = event.target.getAttribute && event.target.getAttribute("data-figure");
    if (figure) { total(figure); }
    if (stopped) { return; }
    say(texts.unsaved);
    schedule(2000);
  });

  form.addEventListener("change", function (event) {
    if (event.target.name === "add_profession") { return; } // added by its own button
    schedule(300);
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  });

  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (inflight) {
      // Posted once the save on its way is answered, with the lock version it moved to.
      event.preventDefault();
      submitAfter = event.submitter || null;
      if (!submitAfter) { again = false; submitAfter = form.querySelector('button[name="save"]'); }
    }
  });
})();
