// The incident map: draws each layer of the page's configuration (incidents; other apps add
// theirs, e.g. safety-walk observations) from its JSON address, which carries the list's filter.
// Every string from the server (names of areas and categories, places, labels) is put in as
// text, in DOM nodes handed to Leaflet: never as HTML (issue 9).
(function () {
  "use strict";
  var element = document.getElementById("incident-map");
  var configElement = document.getElementById("map-config");
  if (!element || !configElement || !window.L) return;
  var config = JSON.parse(configElement.textContent);
  var status = document.getElementById("map-status");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  // An element with the given text (never parsed as HTML).
  function node(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text == null ? "" : String(text);
    return element;
  }
  // Only addresses of this site are linked (the server sends paths such as /burlov/...).
  function sameSiteHref(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }
  function popupContent(point, labels) {
    var content = document.createElement("div");
    function line(element) {
      if (content.childNodes.length) content.appendChild(document.createElement("br"));
      content.appendChild(element);
    }
    line(node("strong", point.title));
    line(document.createTextNode(point.when == null ? "" : String(point.when)));
    if (point.where) line(document.createTextNode(String(point.where)));
    var href = sameSiteHref(point.url);
    if (href) {
      var link = node("a", labels.open);
      link.setAttribute("href", href);
      line(link);
    }
    return content;
  }

  // maxZoom: the clusters need one, and without tiles no layer gives it.
  var map = L.map(element, { scrollWheelZoom: false, maxZoom: 18 });
  if (config.tileUrl) {
    // Leaflet's attribution control takes HTML: give it the credit as escaped text.
    var credit = node("span", config.attribution).innerHTML;
    L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: credit }).addTo(map);
  }
  // The background without tiles: the municipality's outline and its areas' (or their centres).
  var outlines = L.latLngBounds([]);
  if (config.municipality) {
    var municipality = L.geoJSON(config.municipality, {
      interactive: false, style: { color: "#212529", weight: 2, dashArray: "6 4", fill: false }
    }).addTo(map);
    outlines.extend(municipality.getBounds());
  }
  var areaLabels = {};
  (config.areas || []).forEach(function (area) {
    var label = node("span", area.name);
    var tooltip = { permanent: !config.tileUrl, direction: "center", className: "map-area-label" };
    if (area.outline) {
      var shape = L.geoJSON(area.outline, {
        interactive: false, style: { color: "#495057", weight: 1, fillColor: "#adb5bd", fillOpacity: 0.12 }
      }).addTo(map);
      shape.bindTooltip(label, tooltip);
      outlines.extend(shape.getBounds());
    } else if (area.lat !== null && area.lng !== null) {
      var latlng = L.latLng(area.lat, area.lng);
      outlines.extend(latlng);
      L.circleMarker(latlng, { radius: 3, color: "#495057", weight: 1, fillOpacity: 0.6, interactive: false })
        .bindTooltip(label, Object.assign({}, tooltip, { direction: "right" }))
        .addTo(map);
    }
    areaLabels[area.name] = label;
  });
  if (outlines.isValid()) map.fitBounds(outlines.pad(0.05));
  else map.setView([62.0, 15.0], 5);

  var messages = [];
  function render() {
    if (status) status.textContent = messages.join(" ");
  }
  var everything = L.latLngBounds([]);
  var pending = (config.layers || []).length;
  function layerDone() {
    pending -= 1;
    // Zoom to the filtered set once every layer is in (the outlines when it is empty).
    if (pending === 0) {
      if (everything.isValid()) map.fitBounds(everything.pad(0.15), { maxZoom: 15 });
      element.dataset.loaded = "true";
    }
  }

  (config.layers || []).forEach(function (layer) {
    fetch(layer.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var labels = data.labels || {};
        var group = L.markerClusterGroup
          ? L.markerClusterGroup({
              showCoverageOnHover: false, maxClusterRadius: 40,
              iconCreateFunction: function (cluster) {
                var count = cluster.getChildCount();
                var icon = L.divIcon({
                  html: "<span>" + count + "</span>",
                  className: "map-cluster map-cluster-" + layer.name,
                  iconSize: L.point(36, 36)
                });
                return icon;
              }
            })
          : L.featureGroup();
        data.points.forEach(function (point) {
          // A real marker (a focusable element): Tab reaches it, Enter opens its popup.
          var marker = L.marker([point.lat, point.lng], {
            keyboard: true,
            title: String(point.title == null ? "" : point.title) + ", " + String(point.when || ""),
            alt: String(point.title == null ? "" : point.title),
            icon: L.divIcon({
              className: "map-marker map-marker-" + layer.name + " map-severity-" + (point.severity || 1),
              iconSize: L.point(18, 18)
            })
          });
          marker.bindPopup(popupContent(point, labels));
          group.addLayer(marker);
        });
        group.addTo(map);
        if (data.points.length) everything.extend(L.latLngBounds(data.points.map(function (p) { return [p.lat, p.lng]; })));
        // Incidents without a position of their own: counted on their area, not piled up.
        (data.areas || []).forEach(function (area) {
          var label = areaLabels[area.name];
          if (!label || !area.without_position) return;
          var count = node("span", format(labels.without, { count: area.without_position }));
          count.className = "map-area-count";
          label.appendChild(document.createElement("br"));
          label.appendChild(count);
        });
        var text = layer.name === "incidents"
          ? format(element.dataset.statusDone, { shown: data.shown, total: data.total })
          : layer.label + ": " + data.shown + ".";
        if (data.without_position) text += " " + format(element.dataset.statusApprox, { count: data.without_position });
        if (data.unplaced) text += " " + format(element.dataset.statusUnplaced, { count: data.unplaced });
        if (data.truncated) text += " " + element.dataset.statusTruncated;
        messages.push(text);
        render();
        layerDone();
      })
      .catch(function (error) {
        if (window.console) console.error("map layer " + layer.name + ": " + error);
        messages.push(element.dataset.statusError);
        render();
        layerDone();
      });
  });
})();
