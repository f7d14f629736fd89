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
    if (point.approximate) line(node("em", labels[point.approximate]));
    var href = sameSiteHref(point.url);
    if (href) {
      var link = node("a", labels.open);
      link.setAttribute("href", href);
      line(link);
    }
    return content;
  }

  var map = L.map(element, { preferCanvas: true, scrollWheelZoom: false });
  if (config.tileUrl) {
    // Leaflet's attribution control takes HTML: give it the credit as escaped text.
    var credit = node("span", config.attribution).innerHTML;
    L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: credit }).addTo(map);
  }
  var bounds = L.latLngBounds([]);
  (config.areas || []).forEach(function (area) {
    var latlng = L.latLng(area.lat, area.lng);
    bounds.extend(latlng);
    L.circleMarker(latlng, { radius: 3, color: "#495057", weight: 1, fillOpacity: 0.6 })
      .bindTooltip(node("span", area.name), {
        permanent: !config.tileUrl, direction: "right", className: "map-area-label"
      })
      .addTo(map);
  });
  if (bounds.isValid()) {
    map.fitBounds(bounds.pad(0.3));
  } else {
    map.setView([62.0, 15.0], 5);
  }

  var messages = [];
  function render() {
    if (status) status.textContent = messages.join(" ");
  }

  (config.layers || []).forEach(function (layer) {
    fetch(layer.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var group = L.featureGroup();
        var approximate = 0;
        var stacked = {};
        data.points.forEach(function (point) {
          var approx = !!point.approximate;
          var lat = point.lat, lng = point.lng;
          if (approx) {
            approximate += 1;
            // Incidents placed at the same centre are spread on a small sunflower spiral
            // around it, so that each stays visible and clickable.
            var key = lat + "," + lng;
            var k = (stacked[key] = (stacked[key] || 0) + 1);
            var radius = 0.0007 * Math.sqrt(k);
            lat += radius * Math.cos(k * 2.39996);
            lng += 1.7 * radius * Math.sin(k * 2.39996);
          }
          var marker = L.circleMarker([lat, lng], {
            radius: 4 + (point.severity || 1),
            color: approx ? "#6c3483" : layer.colour,
            weight: approx ? 2 : 1,
            dashArray: approx ? "3 3" : null,
            fillOpacity: approx ? 0.25 : 0.6
          });
          marker.bindPopup(popupContent(point, data.labels));
          group.addLayer(marker);
        });
        group.addTo(map);
        if (group.getLayers().length && !bounds.isValid()) map.fitBounds(group.getBounds().pad(0.2));
        var text = layer.name === "incidents"
          ? format(element.dataset.statusDone, { shown: data.shown, total: data.total })
          : layer.label + ": " + data.shown + ".";
        if (approximate) text += " " + format(element.dataset.statusApprox, { count: approximate });
        if (data.unplaced) text += " " + format(element.dataset.statusUnplaced, { count: data.unplaced });
        if (data.truncated) text += " " + element.dataset.statusTruncated;
        messages.push(text);
        element.dataset.loaded = "true";
        render();
      })
      .catch(function () {
        messages.push(element.dataset.statusError);
        render();
      });
  });
})();
