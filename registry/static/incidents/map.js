// Incident mode maps, no tile layer (the office network has no internet): the rivers
// from the page's #rivers-data JSON, county seats for orientation.
// #picker (report form): a click fills longitude/latitude, typed coordinates move the marker.
// #incident-map (incident page): the spill point, the traced path, intercepts, resources.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var riversEl = document.getElementById("rivers-data");
  var rivers = riversEl ? JSON.parse(riversEl.textContent) : null;

  function base(box) {
    var map = L.map(box, {attributionControl: false}).fitBounds([[33.68, 113.05], [34.40, 114.32]]);
    if (rivers) {
      L.geoJSON(rivers, {style: {color: "#1f77b4", weight: 2}, onEachFeature: function (f, layer) {
        layer.bindTooltip(f.properties.name, {sticky: true});
        // A click on a river line is a click on the map (the picker listens to the map).
        layer.on("click", function (e) { map.fire("click", e); });
      }}).addTo(map);
    }
    if (box.dataset.seats) {
      var seats = JSON.parse(box.dataset.seats);
      seats.names.forEach(function (name, i) {
        L.circleMarker([seats.lats[i], seats.lons[i]], {radius: 4, color: "#6c757d"}).addTo(map)
          .bindTooltip(name, {permanent: true, direction: "right", className: "small"});
      });
    }
    box.leafletMap = map;  // for the browser tests: where a place is on the screen
    return map;
  }

  var picker = document.getElementById("picker");
  if (picker) {
    var map = base(picker);
    var lon = document.getElementById("f-longitude"), lat = document.getElementById("f-latitude");
    var marker = null;
    var place = function (la, lo) {
      if (marker) { marker.setLatLng([la, lo]); } else { marker = L.marker([la, lo]).addTo(map); }
    };
    var fromInputs = function () {
      var lo = parseFloat(lon.value), la = parseFloat(lat.value);
      if (!isNaN(lo) && !isNaN(la)) { place(la, lo); }
    };
    map.on("click", function (e) {
      lon.value = e.latlng.lng.toFixed(6); lat.value = e.latlng.lat.toFixed(6);
      place(e.latlng.lat, e.latlng.lng);
    });
    lon.addEventListener("change", fromInputs); lat.addEventListener("change", fromInputs);
    fromInputs();
  }

  var shown = document.getElementById("incident-map");
  if (shown) {
    var data = JSON.parse(document.getElementById("incident-data").textContent);
    var m = base(shown);
    L.marker([data.lat, data.lon]).addTo(m).bindTooltip(data.label, {permanent: true});
    if (data.path && data.path.length > 1) {
      L.polyline(data.path.map(function (p) { return [p[1], p[0]]; }), {color: "#d62728", weight: 4}).addTo(m);
    }
    data.intercepts.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], {radius: 6, color: "#2ca02c"}).addTo(m).bindTooltip(p.name);
    });
    data.resources.forEach(function (r) {
      L.circleMarker([r.latitude, r.longitude], {radius: 5, color: "#9467bd"}).addTo(m).bindTooltip(r.name);
    });
  }
})();
