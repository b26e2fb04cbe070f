// The drill form's place picker: a click on the map fills longitude/latitude, typed
// coordinates move the marker. County seats come from the element's data-seats JSON
// ({names, lons, lats}); no tile layer: the office network has no internet.
(function () {
  "use strict";
  var box = document.getElementById("picker");
  if (!box || typeof L === "undefined") { return; }
  var seats = JSON.parse(box.dataset.seats);
  var map = L.map(box, {attributionControl: false}).fitBounds([[33.68, 113.05], [34.40, 114.32]]);
  seats.names.forEach(function (name, i) {
    L.circleMarker([seats.lats[i], seats.lons[i]], {radius: 4, color: "#6c757d"}).addTo(map)
      .bindTooltip(name, {permanent: true, direction: "right", className: "small"});
  });
  var lon = document.getElementById("f-longitude"), lat = document.getElementById("f-latitude");
  var marker = null;
  function place(la, lo) {
    if (marker) { marker.setLatLng([la, lo]); } else { marker = L.marker([la, lo]).addTo(map); }
  }
  function fromInputs() {
    var lo = parseFloat(lon.value), la = parseFloat(lat.value);
    if (!isNaN(lo) && !isNaN(la)) { place(la, lo); }
  }
  map.on("click", function (e) {
    lon.value = e.latlng.lng.toFixed(6); lat.value = e.latlng.lat.toFixed(6); place(e.latlng.lat, e.latlng.lng);
  });
  lon.addEventListener("change", fromInputs); lat.addEventListener("change", fromInputs);
  fromInputs();
})();
