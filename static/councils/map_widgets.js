// Map widgets of forms (councils/widgets.py): the outline editor of an area or a municipality
// (Leaflet-Geoman draws into the GeoJSON text area below the map) and the position picker of
// the incident and observation forms (a click, or Enter on the map's centre, sets latitude and
// longitude). The fields stay: the map is a help beside them. No tile server is needed: the
// municipality's and the areas' outlines are the background.
(function () {
  "use strict";
  if (!window.L) return;

  function reference(map, config) {
    var bounds = L.latLngBounds([]);
    if (config.tileUrl) {
      var credit = document.createElement("span");
      credit.textContent = config.attribution || "";
      L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: credit.innerHTML }).addTo(map);
    }
    if (config.municipality) {
      var outline = L.geoJSON(config.municipality, {
        interactive: false, pmIgnore: true,
        style: { color: "#212529", weight: 2, dashArray: "6 4", fill: false }
      }).addTo(map);
      bounds.extend(outline.getBounds());
    }
    (config.areas || []).forEach(function (area) {
      var layer = L.geoJSON(area.outline, {
        interactive: false, pmIgnore: true,
        style: { color: "#6c757d", weight: 1, fillOpacity: 0.05 }
      }).addTo(map);
      var label = document.createElement("span");
      label.textContent = area.name;
      layer.bindTooltip(label, { permanent: true, direction: "center", className: "map-area-label" });
      bounds.extend(layer.getBounds());
    });
    return bounds;
  }

  function fit(map, bounds) {
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.05));
    else map.setView([62.0, 15.0], 5);
  }

  // --- Outline editor ---------------------------------------------------------------------

  function polygonsOf(layerGroup) {
    var polygons = [];
    layerGroup.eachLayer(function (layer) {
      if (!layer.toGeoJSON) return;
      var geometry = layer.toGeoJSON().geometry;
      if (geometry.type === "Polygon") polygons.push(geometry.coordinates);
      else if (geometry.type === "MultiPolygon") polygons = polygons.concat(geometry.coordinates);
    });
    return polygons;
  }

  function outlineEditor(container) {
    var textarea = document.getElementById(container.dataset.outlineEditor);
    var mapElement = container.querySelector(".outline-map");
    if (!textarea || !mapElement) return;
    var config = JSON.parse(container.dataset.config || "{}");
    var map = L.map(mapElement, { scrollWheelZoom: false, maxZoom: 18 });
    var bounds = reference(map, config);
    var drawn = L.featureGroup().addTo(map);

    function load() {
      drawn.clearLayers();
      var value = textarea.value.trim();
      if (!value) return;
      try {
        L.geoJSON(JSON.parse(value), { style: { color: "#0d6efd", weight: 3 } }).eachLayer(
          function (layer) { drawn.addLayer(layer); }
        );
      } catch (error) {
        // Not GeoJSON (yet): the server says what is wrong when the form is sent.
      }
    }
    function store() {
      var polygons = polygonsOf(drawn);
      if (!polygons.length) textarea.value = "";
      else if (polygons.length === 1) textarea.value = JSON.stringify({ type: "Polygon", coordinates: polygons[0] });
      else textarea.value = JSON.stringify({ type: "MultiPolygon", coordinates: polygons });
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      mapElement.dataset.polygons = String(polygons.length);
    }
    load();
    if (drawn.getLayers().length) bounds.extend(drawn.getBounds());
    fit(map, bounds);
    mapElement.dataset.polygons = String(drawn.getLayers().length);

    if (map.pm) {
      var lang = (document.documentElement.lang || "en").slice(0, 2);
      try { map.pm.setLang(lang); } catch (error) { map.pm.setLang("en"); }
      map.pm.addControls({
        position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
        drawRectangle: true, drawCircle: false, drawText: false, cutPolygon: false,
        rotateMode: false, dragMode: true, editMode: true, removalMode: true
      });
      map.pm.setGlobalOptions({ layerGroup: drawn, snappable: true });
      // Geoman's buttons are links named only by their box's title: give the links the name.
      mapElement.querySelectorAll(".leaflet-buttons-control-button").forEach(function (button) {
        var box = button.closest("[title]");
        if (box) button.setAttribute("aria-label", box.getAttribute("title"));
      });
      map.on("pm:create", function (event) {
        drawn.addLayer(event.layer);
        event.layer.on("pm:edit pm:dragend", store);
        store();
      });
      map.on("pm:remove", function (event) { drawn.removeLayer(event.layer); store(); });
      drawn.eachLayer(function (layer) { layer.on("pm:edit pm:dragend", store); });
    }
    textarea.addEventListener("change", function () {
      load();
      if (drawn.getLayers().length) map.fitBounds(drawn.getBounds().pad(0.1));
      mapElement.dataset.polygons = String(drawn.getLayers().length);
    });
    mapElement.dataset.ready = "true";
  }

  // --- Position picker --------------------------------------------------------------------

  function round(value) { return (Math.round(value * 100000) / 100000).toFixed(5); }
  function parse(value) {
    var number = parseFloat(String(value || "").replace(",", "."));
    return isFinite(number) ? number : null;
  }

  function positionPicker(latInput) {
    var lngInput = document.getElementById(latInput.id.replace(/latitude$/, "longitude"));
    if (!lngInput) return;
    var config = JSON.parse(latInput.dataset.positionPicker || "{}");
    var labels = config.labels || {};
    // After the row of the fields (incident form), else after the longitude field.
    var anchor = latInput.closest(".row") || lngInput.closest(".mb-3") || lngInput.parentNode;
    var wrapper = document.createElement("div");
    wrapper.className = "position-picker mb-3";
    var help = document.createElement("p");
    help.className = "form-text mb-1";
    help.id = latInput.id + "_maphelp";
    help.textContent = labels.help || "";
    var mapElement = document.createElement("div");
    mapElement.className = "position-map border rounded";
    mapElement.setAttribute("role", "region");
    mapElement.setAttribute("aria-label", labels.region || "");
    mapElement.setAttribute("aria-describedby", help.id);
    var cross = document.createElement("div");
    cross.className = "position-cross";
    cross.setAttribute("aria-hidden", "true");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "btn btn-outline-secondary btn-sm mt-1";
    clear.textContent = labels.clear || "×";
    wrapper.appendChild(help);
    wrapper.appendChild(mapElement);
    wrapper.appendChild(clear);
    anchor.parentNode.insertBefore(wrapper, anchor.nextSibling);

    var map = L.map(mapElement, { scrollWheelZoom: false, keyboardPanDelta: 60, maxZoom: 18 });
    // The fields are the keyboard's way in: the map stays out of the Tab order (logging an
    // incident from the keyboard passes it by), and keys work on it once it is clicked.
    mapElement.setAttribute("tabindex", "-1");
    mapElement.appendChild(cross);
    var bounds = reference(map, config);
    var marker = null;

    function show(lat, lng, pan) {
      clear.hidden = lat === null || lng === null;
      if (lat === null || lng === null) {
        if (marker) { map.removeLayer(marker); marker = null; }
        mapElement.dataset.position = "";
        return;
      }
      if (!marker) {
        marker = L.circleMarker([lat, lng], { radius: 8, color: "#b02a37", weight: 3, fillOpacity: 0.5, interactive: false }).addTo(map);
      } else {
        marker.setLatLng([lat, lng]);
      }
      mapElement.dataset.position = round(lat) + "," + round(lng);
      if (pan && !map.getBounds().contains([lat, lng])) map.panTo([lat, lng]);
    }
    function set(latlng) {
      latInput.value = round(latlng.lat);
      lngInput.value = round(latlng.lng);
      [latInput, lngInput].forEach(function (input) {
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      show(latlng.lat, latlng.lng, false);
    }
    function fromInputs() { show(parse(latInput.value), parse(lngInput.value), true); }

    // Its zoom buttons and credit links stay out of the Tab order too (as the map itself).
    function outOfTabOrder() {
      mapElement.querySelectorAll("a, button").forEach(function (element) {
        element.setAttribute("tabindex", "-1");
      });
    }
    map.on("layeradd", outOfTabOrder);
    outOfTabOrder();
    fit(map, bounds);
    fromInputs();
    if (marker && !bounds.isValid()) map.setView(marker.getLatLng(), 14);
    map.on("click", function (event) { set(event.latlng); });
    mapElement.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === mapElement) {
        event.preventDefault();
        set(map.getCenter());
      }
    });
    latInput.addEventListener("change", fromInputs);
    lngInput.addEventListener("change", fromInputs);
    clear.addEventListener("click", function () {
      latInput.value = "";
      lngInput.value = "";
      show(null, null);
      latInput.focus();
    });
    mapElement.dataset.ready = "true";
  }

  function init(root) {
    (root || document).querySelectorAll("[data-outline-editor]").forEach(function (element) {
      if (!element.dataset.started) { element.dataset.started = "true"; outlineEditor(element); }
    });
    (root || document).querySelectorAll("[data-position-picker]").forEach(function (element) {
      if (!element.dataset.started) { element.dataset.started = "true"; positionPicker(element); }
    });
  }
  init(document);
  // Forms swapped in by htmx (log the next incident) get their map too.
  document.body.addEventListener("htmx:load", function (event) { init(event.target); });
})();
