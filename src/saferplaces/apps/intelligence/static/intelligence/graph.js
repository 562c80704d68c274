/* The intelligence network drawn with Cytoscape.js from the page's data (json_script
   "network-elements": Cytoscape elements and the path asked for, if any). Nodes stand where the
   server placed them (the same every time), shaped by kind and sized by betweenness; victims of exploitation have a double purple border, children
   an orange one, addresses at risk of cuckooing a red fill; the path asked for is drawn thick.
   Selecting a node moves to its row in the tables (the same network, for screen readers).
   No inline script or style (the Content Security Policy refuses them). */
(function () {
  "use strict";

  var dataElement = document.getElementById("network-elements");
  var container = document.getElementById("network-graph");
  if (!dataElement || !container || typeof window.cytoscape !== "function") {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  if (!data || !data.elements || data.elements.nodes.length === 0) {
    container.hidden = true;
    return;
  }

  var shapes = {deal_line: "diamond", nominal: "ellipse", address: "rectangle",
                vehicle: "triangle", ocg: "hexagon"};
  var colours = {deal_line: "#1d70b8", nominal: "#505a5f", address: "#00703c",
                 vehicle: "#f47738", ocg: "#0b0c0c"};

  function size(node) {  // 24 px, up to 60 px for the most central
    return 24 + 36 * Math.min(1, Math.max(0, node.data("betweenness") || 0));
  }

  var onPath = {};
  if (data.path) {
    data.path.entities.forEach(function (id) { onPath["e" + id] = true; });
    data.path.links.forEach(function (ids) {
      ids.forEach(function (id) { onPath["l" + id] = true; });
    });
  }
  data.elements.nodes.forEach(function (node) {
    // the label already says "victim of exploitation" where it applies
    node.data.display = node.data.label + (node.data.child ? " (child)" : "");
    if (onPath[node.data.id]) { node.classes = "path"; }
  });
  data.elements.edges.forEach(function (edge) {
    if (onPath[edge.data.id]) { edge.classes = "path"; }
  });

  var cy = window.cytoscape({
    container: container,
    elements: data.elements,
    // positions come from the server (a seeded force-directed layout): the same every time
    layout: {name: "preset", fit: true, padding: 40},
    style: [
      {selector: "node", style: {
        "label": "data(display)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
        "width": size, "height": size,
        "background-color": function (n) { return colours[n.data("kind")] || "#505a5f"; },
        "shape": function (n) { return shapes[n.data("kind")] || "ellipse"; },
        "border-width": 1, "border-color": "#0b0c0c"}},
      {selector: "node[?child]", style: {"border-width": 4, "border-color": "#f47738"}},
      {selector: "node[?victim]", style: {"border-width": 6, "border-style": "double",
                                          "border-color": "#4c2c92"}},
      {selector: "node[cuckooing != '']", style: {"background-color": "#d4351c"}},
      {selector: "edge", style: {
        "width": 2, "line-color": "#b1b4b6", "curve-style": "bezier",
        "target-arrow-shape": "triangle", "target-arrow-color": "#b1b4b6",
        "label": "data(kind)", "font-size": 9, "text-rotation": "autorotate",
        "color": "#505a5f"}},
      {selector: "edge[handling_code = 'C']", style: {"line-style": "dashed"}},
      {selector: "edge.path", style: {"line-color": "#ffdd00", "target-arrow-color": "#ffdd00",
                                       "width": 6}},
      {selector: "node.path", style: {"overlay-color": "#ffdd00", "overlay-opacity": 0.35,
                                       "overlay-padding": 6}},
      {selector: ":selected", style: {"overlay-color": "#1d70b8", "overlay-opacity": 0.3}}
    ]
  });

  cy.on("tap", "node", function (event) {
    var row = document.getElementById("entity-" + event.target.data("entity"));
    if (row) { row.scrollIntoView(); }
  });
}());
