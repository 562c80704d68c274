/* Drawing a PSPO zone: Leaflet with the vendored Leaflet-Geoman polygon tool. The outline drawn
   (one polygon; drawing again replaces it, editing its corners updates it) is written as a GeoJSON
   geometry into the form's hidden "geometry" field, which the server checks as it checks an
   imported zone. The order's other zones are drawn in grey. Background tiles are optional: with
   none (or none reachable) the map still draws and the tool still works. No inline script or
   style (the Content Security Policy refuses them). */
(function () {
  "use strict";

  var configElement = document.getElementById("zone-map-config");
  var container = document.getElementById("zone-map");
  var statusElement = document.getElementById("zone-map-status");
  var field = document.getElementById("id_geometry");
  if (!configElement || !container || !field || !window.L || !L.PM) {
    return;
  }
  var config = JSON.parse(configElement.textContent);

  var background = "";
  function say(message) {
    statusElement.textContent = (background ? background + " " : "") + message;
  }

  container.hidden = false;
  var map = L.map(container, { zoomSnap: 0.5 });
  L.control.scale({ imperial: true, metric: true }).addTo(map);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 })
      .on("tileerror", function () {
        if (!background) {
          background = "The background map could not be loaded; you can still draw the zone.";
          say("");
        }
      })
      .addTo(map);
  }

  var existing = L.geoJSON(null, {
    style: function () { return { color: "#505a5f", weight: 2, fillOpacity: 0.1 }; },
    pmIgnore: true
  }).addTo(map);
  config.zones.forEach(function (zone) {
    existing.addData({ type: "Feature", geometry: zone.geometry, properties: { name: zone.name } });
  });
  if (config.zones.length) {
    map.fitBounds(existing.getBounds(), { padding: [30, 30] });
  } else {
    map.setView(config.centre || [51.8895, 0.9010], 15);
  }

  var drawn = null;
  function store(layer) {
    field.value = JSON.stringify(layer.toGeoJSON().geometry);
    var corners = layer.getLatLngs()[0].length;
    say("Zone drawn with " + corners + " corners. Name it and save it.");
  }

  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
    drawCircle: false, drawText: false, cutPolygon: false, rotateMode: false,
    drawRectangle: true, drawPolygon: true, editMode: true, dragMode: false, removalMode: true
  });
  map.pm.setGlobalOptions({ allowSelfIntersection: false });
  // The drawing buttons are icons whose names sit in a title on their parent: name each button
  // itself, or a screen reader says only "link" (WCAG 4.1.2, 2.4.4).
  Array.prototype.forEach.call(container.querySelectorAll(".leaflet-buttons-control-button"), function (button) {
    var named = button.closest("[title]");
    if (named) { button.setAttribute("aria-label", named.getAttribute("title")); }
  });

  map.on("pm:create", function (event) {
    if (drawn) { map.removeLayer(drawn); }
    drawn = event.layer;
    store(drawn);
    drawn.on("pm:edit", function () { store(drawn); });
  });
  map.on("pm:remove", function (event) {
    if (event.layer === drawn) {
      drawn = null;
      field.value = "";
      say("The zone was removed. Draw it again.");
    }
  });
  say("Choose the polygon tool (top left) to draw the zone.");
})();
