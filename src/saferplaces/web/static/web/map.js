/* The incident map: one month's incidents as circle markers coloured by category (and, for
   sensitive incidents a user may not see exactly or on a public site, counts drawn as areas), over the
   outlines of neighbourhoods, town centres and PSPO zones. Configuration comes from the page
   (json_script "map-config"); data from the two GeoJSON endpoints named there. Background tiles
   are optional: without them (none configured, or no network) the map still draws everything. */
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

  if (config.tileUrl) {
    var tilesFailed = false;
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 })
      .on("tileerror", function () {
        if (!tilesFailed) {
          tilesFailed = true;
          say("The background map could not be loaded; outlines and incidents are still shown.");
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
      }
    });
  }

  var query = new URLSearchParams({ month: config.month, source: config.source });
  if (config.category) { query.set("category", config.category); }

  Promise.all([
    getJson(config.areasUrl).then(areaLayers),
    getJson(config.geojsonUrl + "?" + query.toString()).then(function (collection) {
      var points = collection.features.filter(function (f) { return !f.properties.aggregated; });
      var counted = collection.features.filter(function (f) { return f.properties.aggregated; });
      return {
        collection: collection, points: points, counted: counted,
        layer: incidentLayer({ type: "FeatureCollection", features: points }),
        countedLayer: incidentLayer({ type: "FeatureCollection", features: counted })
      };
    })
  ]).then(function (results) {
    var areas = results[0];
    var incidents = results[1];
    var overlays = {};
    var bounds = L.latLngBounds([]);
    Object.keys(areas).forEach(function (name) {
      areas[name].addTo(map);
      overlays[name] = areas[name];
      bounds.extend(areas[name].getBounds());
    });
    if (incidents.counted.length) {
      incidents.countedLayer.addTo(map);
      overlays[keyed("aggregate", "Counted by " + incidents.collection.aggregation.area_label)] = incidents.countedLayer;
      bounds.extend(incidents.countedLayer.getBounds());
    }
    incidents.layer.addTo(map);
    if (incidents.points.length || !incidents.counted.length) {
      overlays[keyed("incidents", "Incidents")] = incidents.layer;
    }
    if (incidents.points.length) {
      bounds.extend(incidents.layer.getBounds());
    }
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    }
    var drawn = incidents.points.reduce(function (n, f) { return n + f.properties.count; }, 0);
    if (incidents.points.length || !incidents.counted.length) {
      say(plural(drawn, "incident") + " drawn at " + plural(incidents.points.length, "map point") + ".");
    }
    if (incidents.counted.length) {
      say((incidents.collection.public ? "Incidents" : "Sensitive incidents") + " counted by " +
          incidents.collection.aggregation.area_label + " in " + plural(incidents.counted.length, "area") +
          " (select one for its counts).");
    }
    if (incidents.collection.truncated) {
      say("Only the busiest points are drawn: choose a category to see the rest.");
    }
  }).catch(function (error) {
    say("The map data could not be loaded (" + error.message + "). The table below gives the counts.");
  });
})();
