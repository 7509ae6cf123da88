// The categorical map of a typology: each territory coloured by its class.
(function () {
  "use strict";
  var box = document.querySelector(".typology-map-box");
  if (!box || !window.L) { return; }
  // Okabe–Ito: distinct for colour-blind readers.
  var COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999", "#000000"];
  var map = L.map("typology-map", { zoomSnap: 0.25 });
  function get(url) { return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }); }
  Promise.all([get(box.getAttribute("data-geometry-url")), get(box.getAttribute("data-classes-url"))]).then(function (data) {
    var geometry = data[0], typology = data[1];
    var classes = {};
    (typology.classes || []).forEach(function (klass) { classes[klass.number] = klass; });
    var memberships = typology.memberships || {};
    var layer = L.geoJSON(geometry, {
      style: function (feature) {
        var number = memberships[feature.id];
        return { fillColor: number ? COLOURS[(number - 1) % COLOURS.length] : "#ffffff", fillOpacity: 1,
          color: "#4d4d4d", weight: 0.4, dashArray: number ? null : "2" };
      },
      onEachFeature: function (feature, shape) {
        var number = memberships[feature.id];
        var label = document.createElement("div");
        label.textContent = feature.properties.name + " — " + (number ? (box.getAttribute("data-class-word") || "Classe") + " " + number : "—");
        shape.bindTooltip(label, { sticky: true });
        shape.on("click", function () {
          window.location.href = box.getAttribute("data-portrait-url").replace("LEVEL", box.getAttribute("data-level")).replace("CODE", feature.id);
        });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    var legend = box.querySelector(".typology-legend");
    Object.keys(classes).sort(function (a, b) { return a - b; }).forEach(function (number) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = COLOURS[(number - 1) % COLOURS.length];
      item.appendChild(swatch);
      var text = document.createElement("span");
      var klass = classes[number];
      text.textContent = number + (klass.label ? " — " + klass.label : "") + " (" + klass.size + ")";
      item.appendChild(text);
      legend.appendChild(item);
    });
    box.setAttribute("data-ready", "true");
  });
})();
