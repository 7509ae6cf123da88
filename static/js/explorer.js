// The map explorer: draws the stored layers (no base-map tiles needed) under the
// départements' outlines, their main towns and a scale bar, keeps the state in the address
// (permalink), and exports what is shown. Everything is computed by the server beforehand;
// this file only colours, lists and draws. The map is one tab stop: arrow keys move from a
// territory to its neighbour, Enter opens its panel (the table below stays the full list).
(function () {
  "use strict";
  var root = document.querySelector(".explorer");
  if (!root || !window.L) { return; }

  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  var options = json("explorer-options");
  var state = json("explorer-state");
  var T = json("explorer-labels");
  var indicators = {};
  options.indicators.forEach(function (indicator) { indicators[indicator.slug] = indicator; });

  // ColorBrewer sequential schemes, readable by colour-blind people.
  var SCHEMES = {
    fragile: {
      3: ["#ffeda0", "#feb24c", "#f03b20"],
      4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
      5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
      6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
      7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"]
    },
    neutral: {
      3: ["#deebf7", "#9ecae1", "#3182bd"],
      4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
      5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
      6: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
      7: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"]
    }
  };
  var NO_DATA = { secret: "#9e9e9e", missing: "#ffffff", withheld: "#d4d4d4" };

  var form = root.querySelector(".explorer-controls");
  var fields = {
    indicator: form.querySelector("#map-indicator"),
    detail: form.querySelector("#map-detail"),
    level: form.querySelector("#map-level"),
    period: form.querySelector("#map-period"),
    method: form.querySelector("#map-method"),
    classes: form.querySelector("#map-classes"),
    breaks: form.querySelector("#map-breaks")
  };
  var periodOutput = form.querySelector("#map-period-output");
  var notice = root.querySelector(".explorer-notice");
  var focusLine = root.querySelector(".explorer-focus");
  var finder = root.querySelector("#map-find");
  var finderList = root.querySelector("#map-find-list");
  var breaksField = form.querySelector("#map-breaks-field");
  var detailField = form.querySelector("#map-detail-field");
  var detailLabel = form.querySelector("#map-detail-label");
  var levelNote = form.querySelector("#map-level-note");
  var allDetails = fields.detail.options[0].text;
  var message = form.querySelector(".explorer-message");
  var legend = root.querySelector(".legend");
  var legendSource = root.querySelector(".legend-source");
  var tableBody = document.querySelector(".explorer-table tbody");
  var geometries = {};
  var layerData = null;
  var shown = null;
  var sortKey = "rank";
  var sortAscending = true;

  // Leaflet's own keys pan the map; here arrow keys go from territory to territory instead.
  var map = L.map("map", { zoomSnap: 0.25, preferCanvas: false, keyboard: false });
  var mapElement = map.getContainer();
  mapElement.tabIndex = 0;
  var tiles = root.getAttribute("data-tiles-url");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 14 }).addTo(map); }
  L.control.scale({ imperial: false, maxWidth: 120 }).addTo(map);
  // The map is one tab stop: its zoom buttons stay for the mouse, + and − do it by keyboard.
  mapElement.querySelectorAll(".leaflet-control a").forEach(function (link) { link.tabIndex = -1; });
  [["outlines", 450], ["focus", 460], ["labels", 470]].forEach(function (pane) {
    map.createPane(pane[0]).style.zIndex = pane[1];
    map.getPane(pane[0]).style.pointerEvents = "none";
  });
  map.getPane("labels").setAttribute("aria-hidden", "true");

  function url(template, values) {
    var result = root.getAttribute(template);
    Object.keys(values).forEach(function (key) { result = result.replace(key, values[key]); });
    return result;
  }

  function query() {
    var params = new URLSearchParams({
      indicateur: state.indicator, niveau: state.level, periode: state.period,
      methode: state.method, classes: state.classes
    });
    if (state.method === "manual") { params.set("bornes", state.breaks.join(" ")); }
    return params.toString();
  }

  function format(value, decimals) {
    if (value === null || value === undefined) { return "—"; }
    return value.toLocaleString("fr-FR", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }

  function periodsOf() { return (indicators[state.indicator].levels[state.level] || []); }

  // The slider runs over the periods' positions, so that every period is one key press away
  // from the next even when years are missing in between.
  function periodAt(position) { var periods = periodsOf(); return periods[Math.max(0, Math.min(periods.length - 1, position))]; }

  // A headline indicator's details (e.g. per profession) are offered in a second select,
  // labelled by its dimension; the state names the indicator shown, headline or detail.
  function headlineOf(slug) { return (indicators[slug] && indicators[slug].variant_of) || slug; }
  var detailsShown = headlineOf(state.indicator);

  function syncDetails() {
    var headline = headlineOf(state.indicator);
    fields.indicator.value = headline;
    if (headline !== detailsShown) {
      var details = options.indicators.filter(function (indicator) { return indicator.variant_of === headline; });
      fields.detail.textContent = "";
      fields.detail.appendChild(new Option(allDetails, ""));
      details.forEach(function (detail) { fields.detail.appendChild(new Option(detail.variant_label || detail.name, detail.slug)); });
      detailLabel.textContent = indicators[headline].dimension || T.detail;
      detailField.hidden = !details.length;
      fields.detail.disabled = !details.length;
      detailsShown = headline;
    }
    fields.detail.value = state.indicator === headline ? "" : state.indicator;
  }

  function syncControls() {
    syncDetails();
    var indicator = indicators[state.indicator];
    levelNote.hidden = !(indicator.levels.epci && !indicator.levels.commune);
    Array.prototype.forEach.call(fields.level.options, function (option) {
      option.disabled = !indicator.levels[option.value];
    });
    if (!indicator.levels[state.level]) { state.level = Object.keys(indicator.levels)[0]; }
    fields.level.value = state.level;
    var periods = periodsOf();
    if (periods.indexOf(state.period) < 0) { state.period = periods[periods.length - 1]; }
    fields.period.min = 0;
    fields.period.max = periods.length - 1;
    fields.period.value = periods.indexOf(state.period);
    fields.period.disabled = periods.length < 2;
    fields.period.setAttribute("aria-valuetext", String(state.period));
    periodOutput.textContent = state.period;
    fields.method.value = state.method;
    fields.classes.value = state.classes;
    fields.classes.disabled = state.method === "manual";
    breaksField.hidden = state.method !== "manual";
  }


  function bounds() {
    if (!layerData) { return []; }
    if (state.method === "manual") {
      var result = state.breaks.slice();
      if (layerData.max !== null && (!result.length || layerData.max > result[result.length - 1])) { result.push(layerData.max); }
      return result;
    }
    return ((layerData.classes[state.method] || {})[String(state.classes)]) || [];
  }

  function checkBreaks(text) {
    var parts = text.replace(/;/g, " ").split(/\s+/).filter(Boolean);
    if (!parts.length) { return [null, T.breaks_missing]; }
    var values = parts.map(function (part) { return Number(part.replace(",", ".")); });
    if (values.some(isNaN)) { return [null, T.breaks_numbers]; }
    for (var i = 1; i < values.length; i++) { if (values[i] <= values[i - 1]) { return [null, T.breaks_order]; } }
    if (values.length > 6) { return [null, T.breaks_count]; }
    if (layerData && (values[0] <= layerData.min || values[values.length - 1] >= layerData.max)) {
      return [null, T.breaks_range.replace("%(min)s", format(layerData.min, 2)).replace("%(max)s", format(layerData.max, 2))];
    }
    return [values, null];
  }

  function classOf(value, limits) {
    if (value === null || value === undefined || !limits.length) { return null; }
    for (var i = 0; i < limits.length; i++) { if (value <= limits[i]) { return i; } }
    return limits.length - 1;
  }

  function colours(count) {
    var indicator = indicators[state.indicator];
    var scheme = indicator.polarity === "neutral" ? SCHEMES.neutral : SCHEMES.fragile;
    var list = (scheme[count] || scheme[7]).slice(0, count);
    // Darker means more fragile: reverse when a higher value is better.
    return indicator.polarity === "higher_better" ? list.reverse() : list;
  }

  function describe(code) {
    var row = layerData.values[code];
    return row ? { value: row[0], status: row[1], coverage: row[2], rank: row[3] } : { value: null, status: "missing", coverage: 0, rank: null };
  }

  function styleFor(code, limits, palette) {
    var row = describe(code);
    var klass = row.status === "ok" || row.status === "partial" ? classOf(row.value, limits) : null;
    var fill = klass === null ? (NO_DATA[row.status] || NO_DATA.missing) : palette[klass];
    return { fillColor: fill, fillOpacity: 1, color: "#4d4d4d", weight: 0.5, dashArray: row.status === "missing" ? "2" : null };
  }

  function tooltip(feature) {
    var row = describe(feature.id);
    var indicator = layerData.indicator;
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = feature.properties.name;
    box.appendChild(title);
    var lines = [];
    if (row.status === "ok" || row.status === "partial") {
      lines.push(format(row.value, indicator.decimals) + " " + indicator.unit);
      lines.push(T.rank + " " + row.rank + " / " + layerData.known);
    } else {
      lines.push(T[row.status] || T.missing);
    }
    if (state.level !== "commune") { lines.push(T.coverage + " " + Math.round(100 * row.coverage) + " %"); }
    lines.forEach(function (line) { var p = document.createElement("div"); p.textContent = line; box.appendChild(p); });
    return box;
  }

  // The side panel: the clicked territory and what the portal holds for it (the same
  // sections as its portrait, rendered by the server); the portrait stays one link away.
  var panel = root.querySelector(".explorer-panel");
  function showPanel(level, code) {
    var address = url("data-panel-url", { LEVEL: level, CODE: code });
    fetch(address, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        panel.innerHTML = html;
        panel.setAttribute("data-territory", level + "/" + code);
      })
      .catch(function () {
        window.location.href = url("data-portrait-url", { LEVEL: level, CODE: code });
      });
  }

  // Orientation: the départements' outlines over the shapes, and their main towns (the
  // largest communes, stored with each département) labelled where there is room.
  var outlines = null;
  var towns = [];
  function drawOrientation(departements) {
    if (outlines || !departements) { return; }
    outlines = L.geoJSON(departements, {
      pane: "outlines", interactive: false,
      style: { fill: false, color: "#1b1f24", weight: 2, opacity: 0.9 }
    }).addTo(map);
    var list = [];
    departements.features.forEach(function (feature) {
      (feature.properties.towns || []).forEach(function (town, index) { list.push({ town: town, main: index === 0 }); });
    });
    list.sort(function (a, b) { return (b.main - a.main) || (b.town.population - a.town.population); });
    towns = list.map(function (item) {
      var label = document.createElement("span");
      label.textContent = item.town.name;
      var marker = L.marker([item.town.point[1], item.town.point[0]], {
        pane: "labels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "map-town" + (item.main ? " map-town-main" : ""), html: label, iconSize: null })
      }).addTo(map);
      return marker;
    });
    declutter();
  }

  // A label that would cover one of a larger town is not shown.
  function declutter() {
    var placed = [];
    towns.forEach(function (marker) {
      var element = marker.getElement();
      if (!element) { return; }
      element.style.visibility = "";
      var box = element.firstChild.getBoundingClientRect();
      var clash = placed.some(function (other) {
        return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
      });
      if (clash) { element.style.visibility = "hidden"; } else { placed.push(box); }
    });
  }
  map.on("zoomend", declutter);

  // Keyboard: the territory in focus, its neighbours by direction on the screen.
  var shapes = {};
  var names = {};
  var current = null;
  var highlight = null;

  function centre(code) { return map.latLngToContainerPoint(shapes[code].getBounds().getCenter()); }

  function nearestTo(point) {
    var best = null, bestDistance = Infinity;
    Object.keys(shapes).forEach(function (code) {
      var distance = centre(code).distanceTo(point);
      if (distance < bestDistance) { best = code; bestDistance = distance; }
    });
    return best;
  }

  // The neighbour in a direction: ahead within a cone first, then anything ahead, the
  // nearest counting a sideways step twice.
  function neighbour(code, dx, dy) {
    var from = centre(code);
    var best = null, bestScore = Infinity, bestInCone = false;
    Object.keys(shapes).forEach(function (other) {
      if (other === code) { return; }
      var to = centre(other);
      var ahead = (to.x - from.x) * dx + (to.y - from.y) * dy;
      var aside = Math.abs((to.x - from.x) * dy - (to.y - from.y) * dx);
      if (ahead <= 0) { return; }
      var inCone = aside <= ahead;
      var score = ahead + 2 * aside;
      if ((inCone && !bestInCone) || (inCone === bestInCone && score < bestScore)) {
        best = other; bestScore = score; bestInCone = inCone;
      }
    });
    return best;
  }

  function announce(code) {
    var row = describe(code);
    var text = names[code] + " — ";
    if (row.status === "ok" || row.status === "partial") {
      text += format(row.value, layerData.indicator.decimals) + " " + layerData.indicator.unit + ", " + T.rank + " " + row.rank + " / " + layerData.known;
    } else {
      text += T[row.status] || T.missing;
    }
    focusLine.textContent = text + ". " + T.open_panel;
  }

  function select(code) {
    if (highlight) { map.removeLayer(highlight); highlight = null; }
    if (current && shapes[current]) { shapes[current].closeTooltip(); }
    current = code;
    if (!code || !shapes[code]) { current = null; focusLine.textContent = ""; return; }
    var feature = shapes[code].feature;
    highlight = L.layerGroup([
      L.geoJSON(feature, { pane: "focus", interactive: false, style: { fill: false, color: "#ffffff", weight: 7 } }),
      L.geoJSON(feature, { pane: "focus", interactive: false, style: { fill: false, color: "#1b1f24", weight: 3.5 } })
    ]).addTo(map);
    var box = shapes[code].getBounds();
    if (!map.getBounds().contains(box.getCenter())) { map.panTo(box.getCenter()); }
    mapElement.setAttribute("data-current", code);
    if (document.activeElement === mapElement) { shapes[code].openTooltip(); }
    announce(code);
  }

  var KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  mapElement.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var direction = KEYS[event.key];
    if (direction) {
      event.preventDefault();
      if (!current) { select(nearestTo(map.latLngToContainerPoint(map.getCenter()))); return; }
      var next = neighbour(current, direction[0], direction[1]);
      if (next) { select(next); }
    } else if ((event.key === "Enter" || event.key === " ") && current) {
      event.preventDefault();
      showPanel(state.level, current);
    } else if (event.key === "+" || event.key === "=") {
      event.preventDefault();
      map.zoomIn();
    } else if (event.key === "-") {
      event.preventDefault();
      map.zoomOut();
    } else if (event.key === "Escape" && current) {
      select(null);
    }
  });
  mapElement.addEventListener("focus", function () {
    if (!current && layerData) { select(nearestTo(map.latLngToContainerPoint(map.getCenter()))); }
  });
  mapElement.addEventListener("blur", function () { if (current && shapes[current]) { shapes[current].closeTooltip(); } });

  // The search box: a name (or code) picked from the territories of the map.
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim(); }
  if (finder) {
    finder.addEventListener("change", function () {
      var text = finder.value;
      var code = (text.match(/\(([0-9A-Za-z]+)\)\s*$/) || [])[1];
      if (!code || !shapes[code]) {
        var wanted = fold(text);
        code = Object.keys(names).filter(function (c) { return fold(names[c]) === wanted || c === text.trim(); })[0] || null;
      }
      if (!code) { focusLine.textContent = T.not_found; return; }
      select(code);
      showPanel(state.level, code);
    });
  }

  function fillFinder() {
    if (!finderList) { return; }
    finderList.textContent = "";
    Object.keys(names).sort(function (a, b) { return names[a].localeCompare(names[b], "fr"); }).forEach(function (code) {
      finderList.appendChild(new Option(names[code] + " (" + code + ")"));
    });
  }

  // Where most territories are secret, say so above the map and offer the next coarser level.
  function drawNotice() {
    var secret = 0;
    Object.keys(layerData.values).forEach(function (code) { if (layerData.values[code][1] === "secret") { secret += 1; } });
    var total = layerData.count;
    notice.hidden = !(total && secret * 2 > total);
    if (notice.hidden) { return; }
    notice.querySelector(".explorer-notice-text").textContent = T.secret_majority
      .replace("%(secret)s", format(secret, 0)).replace("%(count)s", format(total, 0));
    var levels = options.levels.map(function (level) { return level.value; });
    var available = indicators[state.indicator].levels;
    var coarser = levels.slice(levels.indexOf(state.level) + 1).filter(function (level) { return available[level]; })[0];
    var button = notice.querySelector("button");
    button.hidden = !coarser;
    if (coarser) {
      button.textContent = T.coarser[coarser];
      button.setAttribute("data-level", coarser);
    }
  }
  notice.querySelector("button").addEventListener("click", function (event) {
    state.level = event.target.getAttribute("data-level");
    map._cohesionFitted = false;
    // The button goes with the notice: the focus goes to the new map once it is drawn.
    load().then(function () { mapElement.focus(); });
  });

  function draw() {
    var limits = bounds();
    var palette = colours(Math.max(limits.length, 3));
    var geometry = geometries[state.level];
    if (shown) { map.removeLayer(shown); }
    shapes = {};
    names = {};
    shown = L.geoJSON(geometry, {
      style: function (feature) { return styleFor(feature.id, limits, palette); },
      onEachFeature: function (feature, layer) {
        shapes[feature.id] = layer;
        names[feature.id] = feature.properties.name;
        layer.bindTooltip(function () { return tooltip(feature); }, { sticky: true });
        layer.on("click", function () { select(feature.id); showPanel(state.level, feature.id); });
      }
    }).addTo(map);
    if (!map._cohesionFitted) { map.fitBounds(shown.getBounds()); map._cohesionFitted = true; }
    // Chromium makes a shape with focus listeners (Leaflet's tooltips) a tab stop of its own.
    // (The shapes exist once the map has a view, hence after fitBounds.)
    Object.keys(shapes).forEach(function (code) {
      var element = shapes[code].getElement();
      if (element) { element.setAttribute("tabindex", "-1"); }
    });
    select(shapes[current] ? current : null);
    drawOrientation(geometries.departement);
    drawNotice();
    fillFinder();
    if (!limits.length && layerData.known) { message.textContent = T.too_few; }
    drawLegend(limits, palette);
    drawTable(limits);
    updateLinks();
    root.setAttribute("data-state", query());
  }

  function drawLegend(limits, palette) {
    legend.textContent = "";
    var counts = limits.map(function () { return 0; });
    var missing = { secret: 0, missing: 0, withheld: 0 };
    Object.keys(layerData.values).forEach(function (code) {
      var row = describe(code);
      var klass = (row.status === "ok" || row.status === "partial") ? classOf(row.value, limits) : null;
      if (klass === null) { missing[row.status in missing ? row.status : "missing"] += 1; } else { counts[klass] += 1; }
    });
    var decimals = layerData.indicator.decimals;
    var lower = layerData.min;
    limits.forEach(function (upper, index) {
      addLegendItem(palette[index], format(lower, decimals) + " – " + format(upper, decimals), counts[index]);
      lower = upper;
    });
    ["secret", "withheld", "missing"].forEach(function (status) {
      if (missing[status]) { addLegendItem(NO_DATA[status], T[status], missing[status], status === "missing"); }
    });
    legendSource.textContent = layerData.indicator.name + " (" + layerData.period + ", " + layerData.indicator.unit + "). " +
      T.source + " " + layerData.indicator.source + " — " + T.method + " " + fields.method.options[fields.method.selectedIndex].text + ".";
  }

  function addLegendItem(colour, text, count, dashed) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch" + (dashed ? " swatch-dashed" : "");
    swatch.style.backgroundColor = colour;
    item.appendChild(swatch);
    var label = document.createElement("span");
    label.textContent = text + " (" + count + ")";
    item.appendChild(label);
    legend.appendChild(item);
  }

  function drawTable(limits) {
    var rows = geometries[state.level].features.map(function (feature) {
      var row = describe(feature.id);
      var klass = (row.status === "ok" || row.status === "partial") ? classOf(row.value, limits) : null;
      return { code: feature.id, name: feature.properties.name, value: row.value, status: row.status,
        coverage: row.coverage, rank: row.rank, klass: klass === null ? null : klass + 1 };
    });
    var key = sortKey === "class" ? "klass" : sortKey;
    rows.sort(function (a, b) {
      var x = a[key], y = b[key];
      if (x === null || x === undefined) { return 1; }
      if (y === null || y === undefined) { return -1; }
      var order = typeof x === "string" ? x.localeCompare(y, "fr") : x - y;
      return sortAscending ? order : -order;
    });
    tableBody.textContent = "";
    var decimals = layerData.indicator.decimals;
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      var link = document.createElement("a");
      link.href = url("data-portrait-url", { LEVEL: state.level, CODE: row.code });
      link.textContent = row.name;
      th.appendChild(link);
      tr.appendChild(th);
      var value = (row.status === "ok" || row.status === "partial") ? format(row.value, decimals) : (T[row.status] || T.missing);
      [value, row.klass === null ? "—" : String(row.klass), Math.round(100 * row.coverage) + " %", row.rank === null ? "—" : String(row.rank)]
        .forEach(function (text, index) {
          var td = document.createElement("td");
          td.textContent = text;
          if (index !== 1) { td.className = "number"; }
          tr.appendChild(td);
        });
      tableBody.appendChild(tr);
    });
  }

  function updateLinks() {
    var params = query();
    var permalink = window.location.pathname + "?" + params;
    window.history.replaceState(null, "", permalink);
    root.querySelector(".permalink").href = permalink;
    root.querySelector(".export-csv").href = url("data-export-url", { FMT: "csv" }) + "?" + params;
    root.querySelector(".export-csv-fr").href = url("data-export-url", { FMT: "csv-fr" }) + "?" + params;
    root.querySelector(".export-xlsx").href = url("data-export-url", { FMT: "xlsx" }) + "?" + params;
    root.querySelector(".export-geojson").href = url("data-export-url", { FMT: "geojson" }) + "?" + params;
    root.querySelector(".static-image").href = url("data-image-url", { SLUG: state.indicator, LEVEL: state.level, 1000: state.period });
  }

  function fetchJSON(address) {
    return fetch(address, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  // Each level's boundaries are fetched once, even when two draws ask for them together.
  var fetching = {};
  function boundaries(level) {
    if (!fetching[level]) {
      fetching[level] = fetchJSON(url("data-geometry-url", { LEVEL: level })).then(
        function (data) { geometries[level] = data; return data; },
        function (error) { delete fetching[level]; throw error; });
    }
    return fetching[level];
  }

  function load() {
    syncControls();
    message.textContent = T.loading;
    // The départements' outlines are orientation only: the map draws without them.
    var orientation = boundaries("departement").catch(function () { return null; });
    var layerAddress = url("data-layer-url", { SLUG: state.indicator, LEVEL: state.level, 1000: state.period });
    return Promise.all([boundaries(state.level), fetchJSON(layerAddress), orientation]).then(function (results) {
      layerData = results[1];
      message.textContent = "";
      draw();
      root.setAttribute("data-ready", "true");
    }).catch(function () { message.textContent = T.load_error; });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target === fields.indicator) { state.indicator = target.value; }
    if (target === fields.detail) { state.indicator = target.value || fields.indicator.value; }
    if (target === fields.level) { state.level = target.value; map._cohesionFitted = false; }
    if (target === fields.period) { state.period = periodAt(Number(target.value)); }
    if (target === fields.method) { state.method = target.value; }
    if (target === fields.classes) { state.classes = Number(target.value); }
    if (target === fields.breaks || (target === fields.method && state.method === "manual")) {
      var checked = checkBreaks(fields.breaks.value);
      if (checked[1]) {
        if (target === fields.breaks || fields.breaks.value) { message.textContent = checked[1]; }
        if (target === fields.method) { breaksField.hidden = false; }
        return;
      }
      state.breaks = checked[0];
    }
    if (target === fields.indicator || target === fields.detail || target === fields.level || target === fields.period) { load(); return; }
    syncControls();
    message.textContent = "";
    draw();
  });
  fields.period.addEventListener("input", function () {
    var period = periodAt(Number(fields.period.value));
    periodOutput.textContent = period;
    fields.period.setAttribute("aria-valuetext", String(period));
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  document.querySelectorAll(".explorer-table th button").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      sortAscending = key === sortKey ? !sortAscending : true;
      sortKey = key;
      document.querySelectorAll(".explorer-table th").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
      button.parentNode.setAttribute("aria-sort", sortAscending ? "ascending" : "descending");
      drawTable(bounds());
    });
  });

  root.querySelector(".export-png").addEventListener("click", function () {
    var limits = bounds();
    var palette = colours(Math.max(limits.length, 3));
    var canvas = document.createElement("canvas");
    canvas.width = 1000;
    canvas.height = 1100;
    var context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    var box = shown.getBounds();
    var cos = Math.cos(box.getCenter().lat * Math.PI / 180);
    var width = (box.getEast() - box.getWest()) * cos, height = box.getNorth() - box.getSouth();
    var scale = Math.min(900 / width, 800 / height);
    function project(point) { return [50 + (point[0] - box.getWest()) * cos * scale, 90 + (box.getNorth() - point[1]) * scale]; }
    function trace(geometry) {
      var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      context.beginPath();
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          ring.forEach(function (point, index) {
            var xy = project(point);
            if (index === 0) { context.moveTo(xy[0], xy[1]); } else { context.lineTo(xy[0], xy[1]); }
          });
          context.closePath();
        });
      });
    }
    geometries[state.level].features.forEach(function (feature) {
      var style = styleFor(feature.id, limits, palette);
      trace(feature.geometry);
      context.fillStyle = style.fillColor;
      context.fill("evenodd");
      context.strokeStyle = "#4d4d4d";
      context.lineWidth = 0.4;
      context.stroke();
    });
    if (geometries.departement) {
      geometries.departement.features.forEach(function (feature) {
        trace(feature.geometry);
        context.strokeStyle = "#1b1f24";
        context.lineWidth = 2;
        context.stroke();
      });
    }
    context.textAlign = "center";
    context.textBaseline = "middle";
    context.lineJoin = "round";
    towns.forEach(function (marker) {
      var element = marker.getElement();
      if (!element || element.style.visibility === "hidden") { return; }
      var latLng = marker.getLatLng();
      var xy = project([latLng.lng, latLng.lat]);
      var main = element.classList.contains("map-town-main");
      context.font = (main ? "bold 17px" : "600 14px") + " sans-serif";
      context.strokeStyle = "#ffffff";
      context.lineWidth = 4;
      context.strokeText(element.textContent, xy[0], xy[1]);
      context.fillStyle = "#1b1f24";
      context.fillText(element.textContent, xy[0], xy[1]);
    });
    context.textAlign = "start";
    context.textBaseline = "alphabetic";
    context.fillStyle = "#1b1f24";
    context.font = "bold 26px sans-serif";
    context.fillText(layerData.indicator.name + " (" + layerData.period + ")", 50, 50);
    context.font = "16px sans-serif";
    var y = 920;
    legend.querySelectorAll("li").forEach(function (item) {
      context.fillStyle = item.querySelector(".swatch").style.backgroundColor;
      context.fillRect(50, y - 13, 22, 16);
      context.strokeStyle = "#4d4d4d";
      context.strokeRect(50, y - 13, 22, 16);
      context.fillStyle = "#1b1f24";
      context.fillText(item.textContent, 82, y);
      y += 22;
    });
    context.font = "13px sans-serif";
    context.fillText(legendSource.textContent.slice(0, 150), 50, 1080);
    context.fillText(T.exported + " " + new Date().toISOString().slice(0, 10) + " — " + query().slice(0, 110), 50, 1096);
    canvas.toBlob(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "cohesion-" + state.indicator + "-" + state.level + "-" + state.period + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });

  load();
})();
