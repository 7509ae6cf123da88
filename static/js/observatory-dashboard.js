// The observatory's dashboard: pointing at a territory (or moving to it with the keyboard)
// on one map, or at its row of the table, marks it on both maps and in the table. The maps
// and the table are drawn by the server; this only links them.
(function () {
  "use strict";
  var root = document.querySelector(".dashboard-maps");
  if (!root) { return; }
  var section = root.parentNode;
  var hover = section.querySelector(".dashboard-hover");
  var active = null;

  function marked(code) {
    return section.querySelectorAll('[data-code="' + (window.CSS && CSS.escape ? CSS.escape(code) : code) + '"]');
  }

  function clear() {
    if (active === null) { return; }
    marked(active).forEach(function (element) { element.classList.remove("is-active"); });
    section.querySelectorAll(".map-outline").forEach(function (outline) { outline.setAttribute("d", ""); });
    if (hover) { hover.textContent = ""; }
    active = null;
  }

  function mark(code) {
    if (code === active) { return; }
    clear();
    active = code;
    var label = "";
    marked(code).forEach(function (element) {
      element.classList.add("is-active");
      var shape = element.querySelector("path");
      if (shape) {
        // Drawn again on top, so that its border is not hidden under its neighbours'.
        var outline = element.ownerSVGElement.querySelector(".map-outline");
        outline.setAttribute("d", shape.getAttribute("d"));
        label = element.getAttribute("aria-label") || label;
      }
    });
    if (hover) { hover.textContent = label; }
  }

  function codeOf(event) {
    var target = event.target.closest ? event.target.closest("[data-code]") : null;
    return target ? target.getAttribute("data-code") : null;
  }

  [root, section.querySelector(".dashboard-epci-table")].forEach(function (area) {
    if (!area) { return; }
    area.addEventListener("mouseover", function (event) {
      var code = codeOf(event);
      if (code) { mark(code); }
    });
    area.addEventListener("mouseleave", clear);
    area.addEventListener("focusin", function (event) {
      var code = codeOf(event);
      if (code) { mark(code); } else { clear(); }
    });
    area.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !section.contains(event.relatedTarget) || !codeOf({ target: event.relatedTarget })) { clear(); }
    });
  });
  root.setAttribute("data-linked", "true");
})();
