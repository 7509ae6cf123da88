// Narrative maps: the map beside the story follows the step in view. It reads the same
// stored layers as the explorer (no computation here) and colours them in 5 quantiles.
(function () {
  "use strict";
  var root = document.querySelector(".narrative");
  var steps = Array.prototype.slice.call(document.querySelectorAll(".narrative-step[data-layer-url]"));
  if (!root || !window.L || !steps.length) { return; }

  var PALETTE = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
  var NO_DATA = "#d4d4d4";
  var legend = root.querySelector(".narrative-legend");
  var map = L.map("narrative-map", { zoomSnap: 0.25, scrollWheelZoom: false });
  var cache = {};
  var shown = null;
  var current = null;
  var fitted = false;

  function fetchJSON(address) {
    if (!cache[address]) {
      cache[address] = fetch(address, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + address); }
        return response.json();
      });
    }
    return cache[address];
  }

  function format(value, decimals) {
    return Number(value).toLocaleString("fr-FR", { maximumFractionDigits: decimals === undefined ? 1 : decimals });
  }

  function limitsOf(layer) {
    var limits = ((layer.classes || {}).quantiles || {})["5"];
    if (limits && limits.length) { return limits; }
    var known = Object.keys(layer.values).map(function (code) { return layer.values[code]; })
      .filter(function (row) { return row[1] === "ok" || row[1] === "partial"; })
      .map(function (row) { return row[0]; }).sort(function (a, b) { return a - b; });
    if (!known.length) { return []; }
    return [1, 2, 3, 4, 5].map(function (k) { return known[Math.min(known.length - 1, Math.ceil(k * known.length / 5) - 1)]; });
  }

  function classOf(value, limits) {
    for (var i = 0; i < limits.length; i++) { if (value <= limits[i]) { return i; } }
    return limits.length - 1;
  }

  function drawLegend(step, layer, limits) {
    legend.textContent = "";
    var title = document.createElement("p");
    title.textContent = step.getAttribute("data-indicator") + " — " + step.getAttribute("data-period");
    legend.appendChild(title);
    var list = document.createElement("ul");
    var decimals = (layer.indicator || {}).decimals;
    var lower = layer.min;
    limits.forEach(function (upper, index) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch swatch-" + index;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(format(lower, decimals) + " – " + format(upper, decimals)));
      list.appendChild(item);
      lower = upper;
    });
    var none = document.createElement("li");
    var blank = document.createElement("span");
    blank.className = "swatch swatch-none";
    none.appendChild(blank);
    none.appendChild(document.createTextNode(root.getAttribute("data-no-data")));
    list.appendChild(none);
    legend.appendChild(list);
  }

  function show(step) {
    if (step === current) { return; }
    current = step;
    steps.forEach(function (s) { s.classList.toggle("is-active", s === step); });
    Promise.all([
      fetchJSON(step.getAttribute("data-geometry-url")),
      fetchJSON(step.getAttribute("data-layer-url"))
    ]).then(function (results) {
      if (step !== current) { return; }
      var geometry = results[0];
      var layer = results[1];
      var limits = limitsOf(layer);
      if (shown) { map.removeLayer(shown); }
      shown = L.geoJSON(geometry, {
        style: function (feature) {
          var row = layer.values[feature.id];
          var known = row && (row[1] === "ok" || row[1] === "partial") && limits.length;
          return { fillColor: known ? PALETTE[classOf(row[0], limits)] : NO_DATA, fillOpacity: 1, color: "#4d4d4d", weight: 0.5 };
        }
      }).addTo(map);
      if (!fitted && shown.getBounds().isValid()) { map.fitBounds(shown.getBounds()); fitted = true; }
      drawLegend(step, layer, limits);
      root.setAttribute("data-ready", "true");
      root.setAttribute("data-step", step.id);
    }).catch(function (error) {
      legend.textContent = String(error.message || error);
      root.setAttribute("data-ready", "error");
    });
  }

  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { if (entry.isIntersecting) { show(entry.target); } });
    }, { rootMargin: "-40% 0px -50% 0px" });
    steps.forEach(function (step) { observer.observe(step); });
  }
  show(steps[0]);
})();
