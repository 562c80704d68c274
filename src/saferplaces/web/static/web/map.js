/* The one map: switchable layers (the page's checkboxes, from the layer registry) over the
   outlines of neighbourhoods, town centres and PSPO areas. The incidents layer is one month's
   incidents as circle markers coloured by category (and, for sensitive incidents a user may not
   see exactly or on a public site, counts drawn as areas); a time slider moves it month by month.
   Every other layer is drawn from its GeoJSON as it comes (feature colours in properties.colour).
   Under the map, a table per layer lists what it shows, by name, for keyboard and screen-reader
   users. Configuration comes from the page (json_script "map-config"); data from the endpoints
   named there. Background tiles are optional: without them (none configured, or no network) the
   map still draws everything. */
(function () {
  "use strict";

  // The table's colour keys match the markers. Set from here, not a style="" attribute, which
  // the Content Security Policy refuses (style-src 'self'); setting element.style is allowed.
  Array.prototype.forEach.call(document.querySelectorAll(".sp-swatch[data-colour]"), function (swatch) {
    swatch.style.backgroundColor = swatch.getAttribute("data-colour");
  });

  var configElement = document.getElementById("map-config");
  var container = document.getElementById("incident-map");
  var statusElement = document.getElementById("map-status");
  if (!configElement || !container || !window.L) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var CANVAS_ABOVE = 3000; // SVG markers are interactive DOM nodes; past this many, draw on canvas

  var AREA_STYLES = {
    "neighbourhood": { color: "#0b0c0c", weight: 1.5, opacity: 0.7, fill: false },
    "town-centre": { color: "#1d70b8", weight: 3, dashArray: "8 6", fillColor: "#1d70b8", fillOpacity: 0.04 },
    "pspo": { color: "#912b88", weight: 2.5, dashArray: "3 5", fillColor: "#912b88", fillOpacity: 0.08 }
  };
  var AREA_LAYER_NAMES = {
    "neighbourhood": "Neighbourhoods",
    "town-centre": "Town centre",
    "pspo": "PSPO zones"
  };
  // Layer control labels are HTML: a key drawn like the layer, then its (fixed) name.
  function keyed(key, name) {
    return '<span class="sp-key sp-key--' + key + '" aria-hidden="true"></span>' + name;
  }

  var messages = [];
  function say(message) {
    messages.push(message);
    statusElement.textContent = messages.join(" ");
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function plural(n, word) {
    return n.toLocaleString("en-GB") + " " + word + (n === 1 ? "" : "s");
  }

  function getJson(url) {
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(url + " answered " + response.status); }
        return response.json();
      });
  }

  container.hidden = false;
  var map = L.map(container, { zoomSnap: 0.5 });
  map.setView([52.6, -1.6], 6); // Great Britain, until the data's extent is known
  L.control.scale({ imperial: true, metric: true }).addTo(map);

  var tilesMessage = "";
  if (config.tileUrl) {
    var tilesFailed = false;
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 })
      .on("tileerror", function () {
        if (!tilesFailed) {
          tilesFailed = true;
          tilesMessage = "The background map could not be loaded; outlines and incidents are still shown.";
          say(tilesMessage);
        }
      })
      .addTo(map);
  }

  function areaLayers(collection) {
    var byKind = {};
    collection.features.forEach(function (feature) {
      var kind = feature.properties.kind;
      (byKind[kind] = byKind[kind] || []).push(feature);
    });
    var layers = {};
    Object.keys(AREA_LAYER_NAMES).forEach(function (kind) {
      if (!byKind[kind]) { return; }
      layers[keyed(kind, AREA_LAYER_NAMES[kind])] = L.geoJSON({ type: "FeatureCollection", features: byKind[kind] }, {
        style: function () { return AREA_STYLES[kind]; },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(feature.properties.kind_label + ": " + feature.properties.name, { sticky: true });
          // Its tooltip's focus listener makes Chromium stop on the outline when tabbing, with no
          // name (WCAG 4.1.2): the outlines are for the eye; the page's tables say what is where.
          layer.on("add", function () {
            var path = layer.getElement && layer.getElement();
            if (path) { path.setAttribute("tabindex", "-1"); }
          });
        }
      });
    });
    return layers;
  }

  // Sensitive incidents a user may not see exactly (and everything on a public site) come as
  // counts for an area or grid cell, drawn as that shape; a withheld small count has no number.
  var AGGREGATE_STYLE = { color: "#0b0c0c", weight: 1, opacity: 0.8, fillColor: "#505a5f", fillOpacity: 0.25,
                          className: "sp-aggregate" };

  function aggregatePopup(properties) {
    var box = element("div", null, "sp-popup");
    box.appendChild(element("strong", properties.area_label === properties.name
      ? properties.name : properties.area_label + " " + properties.name));
    var list = element("ul", null, "govuk-list");
    properties.counts.forEach(function (entry) {
      var count = entry.count === null
        ? "fewer than " + properties.suppress_below + " incidents"
        : plural(entry.count, "incident");
      list.appendChild(element("li", entry.category + ": " + count));
    });
    box.appendChild(list);
    return box;
  }

  // One sentence for a marker or a counted area: its name for screen readers and its row in
  // the list under the map (WCAG 1.1.1).
  function describe(properties) {
    if (properties.aggregated) {
      return (properties.area_label === properties.name ? properties.name
        : properties.area_label + " " + properties.name) + ": " + properties.counts.map(function (entry) {
        return entry.category + " " + (entry.count === null
          ? "fewer than " + properties.suppress_below + " incidents" : plural(entry.count, "incident"));
      }).join("; ");
    }
    return properties.category + ": " + plural(properties.count, "incident") +
      (properties.location ? ", " + properties.location : "");
  }

  // A drawn (SVG) marker or counted area is a button: Tab reaches it, Enter or Space opens its
  // popup (WCAG 2.1.1). Canvas-drawn maps (very many points) rely on the list under the map.
  function keyboardOpens(layer, properties) {
    layer.on("add", function () {
      var path = layer.getElement && layer.getElement();
      if (!path) { return; }
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "button");
      path.setAttribute("aria-label", describe(properties));
      path.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          layer.openPopup();
        }
      });
    });
  }

  function popupFor(properties) {
    if (properties.aggregated) { return aggregatePopup(properties); }
    var box = element("div", null, "sp-popup");
    box.appendChild(element("strong", properties.category));
    box.appendChild(element("p", plural(properties.count, "incident")));
    if (properties.location) { box.appendChild(element("p", properties.location)); }
    return box;
  }

  function incidentLayer(collection) {
    var renderer = collection.features.length > CANVAS_ABOVE ? L.canvas({ padding: 0.5 }) : undefined;
    return L.geoJSON(collection, {
      // (GeoJSON styles apply to markers too, before they are drawn: only areas get this one)
      style: function (feature) { return feature.properties.aggregated ? AGGREGATE_STYLE : {}; },
      pointToLayer: function (feature, latlng) {
        var count = feature.properties.count;
        return L.circleMarker(latlng, {
          renderer: renderer,
          className: "sp-incident",
          radius: Math.min(4 + 2 * Math.sqrt(count - 1), 14),
          color: "#ffffff",
          weight: 1,
          fillColor: config.colours[feature.properties.category] || "#505a5f",
          fillOpacity: 0.85
        });
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popupFor(feature.properties));
        keyboardOpens(layer, feature.properties);
      }
    });
  }

  // ---- Switchable layers ------------------------------------------------------------------
  var LIST_MOST = 100; // rows listed per layer under the map (the rest are counted)
  var listsElement = document.getElementById("layer-lists");
  var layerInfo = {};   // key -> {label, url, style, group}
  var drawn = {};       // key -> {layer, collection} of the current parameters
  var loading = {};     // key -> the parameters string being fetched
  (config.layers || []).forEach(function (info) { layerInfo[info.key] = info; });

  function parameters() {
    var query = new URLSearchParams({ source: config.source });
    if (config.month) { query.set("month", config.month); query.set("end", config.month); }
    if (config.start && config.month) { query.set("start", config.start <= config.month ? config.start : config.month); }
    if (config.category) { query.set("category", config.category); }
    return query.toString();
  }

  function checkbox(key) { return document.getElementById("layer-" + key); }
  function isChecked(key) { var box = checkbox(key); return box ? box.checked : false; }

  function genericLayer(key, collection) {
    var base = layerInfo[key].style || {};
    function styleOf(feature) {
      var style = Object.assign({ color: "#1d70b8", weight: 2, fillOpacity: 0.2 }, base);
      style.className = "sp-layer sp-layer--" + key;
      if (feature && feature.properties && feature.properties.colour) {
        style.fillColor = feature.properties.colour;
        if (!base.color) { style.color = feature.properties.colour; }
      }
      return style;
    }
    return L.geoJSON(collection, {
      style: styleOf,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign(styleOf(feature), { radius: 7, fillOpacity: 0.9 }));
      },
      onEachFeature: function (feature, layer) {
        var properties = feature.properties || {};
        var box = element("div", null, "sp-popup");
        box.appendChild(element("strong", layerInfo[key].label));
        box.appendChild(element("p", properties.name || ""));
        if (properties.url) {
          var link = element("a", "Open", "govuk-link");
          link.href = properties.url;
          box.appendChild(link);
        }
        layer.bindPopup(box);
      }
    });
  }

  function listRows(key, collection) {
    return collection.features.map(function (feature) {
      var p = feature.properties || {};
      if (key === "incidents") { return { name: describe(p), url: null }; }
      return { name: p.name || layerInfo[key].label, url: p.url || null };
    });
  }

  function renderLists() {
    listsElement.textContent = "";
    (config.layers || []).forEach(function (info) {
      var shown = drawn[info.key];
      if (!shown || !isChecked(info.key)) { return; }
      var rows = listRows(info.key, shown.collection);
      var table = element("table", null, "govuk-table sp-layer-list");
      table.id = "layer-list-" + info.key;
      table.appendChild(element("caption", info.label + ": " + plural(rows.length, "item"),
                                "govuk-table__caption govuk-table__caption--s"));
      var head = element("thead", null, "govuk-table__head");
      var headRow = element("tr", null, "govuk-table__row");
      headRow.appendChild(element("th", "What the layer shows", "govuk-table__header"));
      head.appendChild(headRow);
      table.appendChild(head);
      var body = element("tbody", null, "govuk-table__body");
      rows.slice(0, LIST_MOST).forEach(function (row) {
        var tr = element("tr", null, "govuk-table__row");
        var td = element("td", null, "govuk-table__cell");
        if (row.url) {
          var link = element("a", row.name, "govuk-link");
          link.href = row.url;
          td.appendChild(link);
        } else {
          td.textContent = row.name;
        }
        tr.appendChild(td);
        body.appendChild(tr);
      });
      if (!rows.length) {
        var none = element("tr", null, "govuk-table__row");
        none.appendChild(element("td", shown.collection.note || "Nothing to show for this choice.", "govuk-table__cell"));
        body.appendChild(none);
      } else if (rows.length > LIST_MOST) {
        var more = element("tr", null, "govuk-table__row");
        more.appendChild(element("td", "and " + plural(rows.length - LIST_MOST, "more item") + " on the map",
                                 "govuk-table__cell"));
        body.appendChild(more);
      }
      table.appendChild(body);
      listsElement.appendChild(table);
    });
  }

  function removeLayer(key) {
    if (drawn[key]) {
      drawn[key].layers.forEach(function (layer) { map.removeLayer(layer); });
    }
  }

  function showLayer(key, fit) {
    var params = parameters();
    var info = layerInfo[key];
    if (drawn[key] && drawn[key].params === params) {
      drawn[key].layers.forEach(function (layer) { layer.addTo(map); });
      renderLists();
      return Promise.resolve(drawn[key]);
    }
    loading[key] = params;
    return getJson(info.url + "?" + params).then(function (collection) {
      if (loading[key] !== params) { return null; } // a newer month was asked for meanwhile
      removeLayer(key);
      var result = key === "incidents" ? incidentResult(collection) : {
        collection: collection, layers: [genericLayer(key, collection)]
      };
      result.params = params;
      drawn[key] = result;
      if (isChecked(key)) {
        result.layers.forEach(function (layer) { layer.addTo(map); });
      }
      if (key === "incidents") { reportIncidents(result); }
      if (fit) { fitTo(result.layers); }
      renderLists();
      return result;
    });
  }

  function fitTo(layers) {
    var bounds = L.latLngBounds([]);
    layers.forEach(function (layer) {
      if (layer.getBounds && layer.getLayers().length) { bounds.extend(layer.getBounds()); }
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 }); }
  }

  function incidentResult(collection) {
    var points = collection.features.filter(function (f) { return !f.properties.aggregated; });
    var counted = collection.features.filter(function (f) { return f.properties.aggregated; });
    var layers = [];
    var countedLayer = incidentLayer({ type: "FeatureCollection", features: counted });
    if (counted.length) { layers.push(countedLayer); }
    layers.push(incidentLayer({ type: "FeatureCollection", features: points }));
    return { collection: collection, points: points, counted: counted, layers: layers };
  }

  function reportIncidents(incidents) {
    messages = tilesMessage ? [tilesMessage] : [];
    var total = incidents.points.reduce(function (n, f) { return n + f.properties.count; }, 0);
    if (incidents.points.length || !incidents.counted.length) {
      say(plural(total, "incident") + " drawn at " + plural(incidents.points.length, "map point") + ".");
    }
    if (incidents.counted.length) {
      say((incidents.collection.public ? "Incidents" : "Sensitive incidents") + " counted by " +
          incidents.collection.aggregation.area_label + " in " + plural(incidents.counted.length, "area") +
          " (select one for its counts).");
    }
    if (incidents.collection.truncated) {
      say("Only the busiest points are drawn: choose a category to see the rest.");
    }
  }

  function failed(error) {
    say("The map data could not be loaded (" + error.message + "). The table below gives the counts.");
  }

  // Checkboxes switch layers at once (without JavaScript they are ordinary form fields).
  Object.keys(layerInfo).forEach(function (key) {
    var box = checkbox(key);
    if (!box) { return; }
    box.addEventListener("change", function () {
      if (box.checked) {
        showLayer(key, false).catch(failed);
      } else {
        removeLayer(key);
        renderLists();
      }
    });
  });

  // The time slider: one month at a time, for every month in the store.
  var months = config.sliderMonths || [];
  var slider = document.getElementById("month-range");
  var sliderBox = document.getElementById("month-slider");
  var sliderLabel = document.getElementById("month-range-label");
  var monthSelect = document.getElementById("month");
  if (slider && sliderBox && months.length > 1) {
    slider.max = String(months.length - 1);
    slider.value = String(Math.max(0, months.indexOf(config.month)));
    slider.setAttribute("aria-valuetext", sliderLabel.textContent);
    sliderBox.hidden = false;
    var pending = null;
    slider.addEventListener("input", function () {
      var month = months[Number(slider.value)];
      var option = monthSelect && monthSelect.querySelector("option[value='" + month + "']");
      sliderLabel.textContent = option ? option.textContent : month;
      slider.setAttribute("aria-valuetext", sliderLabel.textContent);
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        config.month = month;
        if (monthSelect) { monthSelect.value = month; }
        var address = new URL(window.location.href);
        address.searchParams.set("month", month);
        window.history.replaceState(null, "", address.toString());
        Object.keys(layerInfo).forEach(function (key) {
          if (isChecked(key)) { showLayer(key, false).catch(failed); }
        });
      }, 250);
    });
  }

  // Outlines first, then the data layers over them (so areas never cover markers or counts).
  getJson(config.areasUrl).then(areaLayers).then(function (areas) {
    var overlays = {};
    var bounds = L.latLngBounds([]);
    Object.keys(areas).forEach(function (name) {
      areas[name].addTo(map);
      overlays[name] = areas[name];
      bounds.extend(areas[name].getBounds());
    });
    // The layer control holds the outlines; the page's checkboxes switch the data layers.
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    var checkedKeys = Object.keys(layerInfo).filter(isChecked);
    return Promise.all(checkedKeys.map(function (key) { return showLayer(key, false); }))
      .then(function (results) {
        results.forEach(function (result) {
          if (!result) { return; }
          result.layers.forEach(function (layer) {
            if (layer.getLayers().length) { bounds.extend(layer.getBounds()); }
          });
        });
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
        }
      });
  }).catch(failed);
})();
