// Dashboard charts (Chart.js, served from /static/vendor). Data comes from the page's
// #dashboard-data JSON; clicking a bar or slice opens the matching filtered list.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = {
    level: ["#0d6efd", "#ffc107", "#dc3545"],
    status: ["#198754", "#ffc107", "#dc3545", "#6f42c1"],
    county: ["#0d6efd"]
  };
  function draw(id, series, type, palette) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: type,
      data: {
        labels: series.labels,
        datasets: [{ data: series.values, backgroundColor: palette, borderWidth: 1 }]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: type === "doughnut", position: "right" } },
        scales: type === "bar" ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {},
        onClick: function (_event, elements) {
          if (elements.length) { window.location.href = series.links[elements[0].index]; }
        }
      }
    });
  }
  draw("chart-level", data.level, "doughnut", colours.level);
  draw("chart-county", data.county, "bar", colours.county);
  draw("chart-status", data.status, "bar", colours.status);
}());
