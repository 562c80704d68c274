/* The place map: the place's point, a circle of the distance chosen, the map points within it
   that the reader may see there (one marker per point, sized by its incidents), and, for readers
   who may not see sensitive locations, the area those are counted for, drawn as its outline with
   the page's counts (small counts withheld). Data from the page (json_script "place-map-config");
   no inline script or style (the Content Security Policy refuses them). Background tiles are
   optional: without them the map still draws everything. */
(function () {
  "use strict";

  var configElement = document.getElementById("place-map-config");
  var container = document.getElementById("place-map");
  var statusElement = document.getElementById("place-map-status");
  if (!configElement || !container || !window.L) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  if (!config) {
    return;
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

  var messages = [];
  function say(message) {
    messages.push(message);
    statusElement.textContent = messages.join(" ");
  }

  container.hidden = false;
  var map = L.map(container, { zoomSnap: 0.5 });
  var here = [config.place.lat, config.place.lon];
  map.setView(here, 17);
  L.control.scale({ imperial: true, metric: true }).addTo(map);

  if (config.tileUrl) {
    var tilesFailed = false;
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 })
      .on("tileerror", function () {
        if (!tilesFailed) {
          tilesFailed = true;
          say("The background map could not be loaded; the place and incidents are still shown.");
        }
      })
      .addTo(map);
  }

  var bounds = L.latLngBounds([here]);

  if (config.area) {
    var area = config.area;
    var outline = L.geoJSON({ type: "Feature", geometry: area.geometry, properties: {} }, {
      style: function () {
        return { color: "#0b0c0c", weight: 1, opacity: 0.8, fillColor: "#505a5f", fillOpacity: 0.15,
                 className: "sp-aggregate" };
      }
    });
    var box = element("div", null, "sp-popup");
    box.appendChild(element("strong", "Sensitive incidents counted for the " + area.label +
                            " (" + area.name + ")"));
    if (area.counts.length) {
      var list = element("ul", null, "govuk-list");
      area.counts.forEach(function (entry) {
        var count = entry.count === null
          ? "fewer than " + area.suppressBelow + " incidents"
          : plural(entry.count, "incident");
        list.appendChild(element("li", entry.category + ": " + count));
      });
      box.appendChild(list);
    } else {
      box.appendChild(element("p", "None in this period."));
    }
    outline.bindPopup(box).addTo(map);  // not in the bounds: a whole area would dwarf the circle
  }

  if (config.distance > 0) {
    var circle = L.circle(here, { radius: config.distance, color: "#1d70b8", weight: 2,
                                  dashArray: "6 4", fill: false, interactive: false }).addTo(map);
    bounds.extend(circle.getBounds());
  }

  var drawn = 0;
  config.points.forEach(function (point) {
    var total = point.counts.reduce(function (n, c) { return n + c[1]; }, 0);
    drawn += total;
    var marker = L.circleMarker([point.lat, point.lon], {
      className: "sp-incident",
      radius: Math.min(4 + 2 * Math.sqrt(total - 1), 14),
      color: "#ffffff",
      weight: 1,
      fillColor: point.sensitive ? "#d4351c" : "#505a5f",
      fillOpacity: 0.85
    });
    var box = element("div", null, "sp-popup");
    box.appendChild(element("strong", plural(total, "incident") + ", " +
                            Math.round(point.distance) + " m away"));
    var list = element("ul", null, "govuk-list");
    point.counts.forEach(function (c) { list.appendChild(element("li", c[0] + ": " + c[1])); });
    box.appendChild(list);
    if (point.sensitive) { box.appendChild(element("p", "Includes incidents whose location is sensitive.")); }
    marker.bindPopup(box).addTo(map);
    bounds.extend(marker.getLatLng());
  });

  L.marker(here, { title: config.place.name, alt: config.place.name, keyboard: true })
    .bindPopup(element("strong", config.place.name))
    .addTo(map);

  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 18 });
  say(plural(drawn, "incident") + " drawn at " + plural(config.points.length, "map point") + ".");
  if (config.pointsTotal > config.points.length) {
    say("Only the nearest " + config.points.length.toLocaleString("en-GB") + " map points are drawn.");
  }
  if (config.area) {
    say("Sensitive incidents are counted for the whole " + config.area.label + " (select its outline for the counts).");
  }
})();
