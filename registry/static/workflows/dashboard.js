// Dashboard charts (Chart.js, served from /static/vendor). The plan charts take their data
// from the page's #dashboard-data JSON; the area panels (drills, agreements) carry their own
// as <canvas data-chart='{"type", "labels", "values", "links", "colours"?, "horizontal"?}'>
// (JSON in an attribute, no inline script). Clicking a bar or slice opens the filtered list.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var colours = {
    level: ["#0d6efd", "#ffc107", "#dc3545"],
    status: ["#198754", "#ffc107", "#dc3545", "#6f42c1"],
    county: ["#0d6efd"]
  };
  function draw(canvas, spec) {
    if (!canvas) { return; }
    var valueAxis = { beginAtZero: true, ticks: { precision: 0 } };
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: [{ data: spec.values, backgroundColor: spec.colours || colours.county, borderWidth: 1 }]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: { legend: { display: spec.type === "doughnut", position: "right" } },
        scales: spec.type === "bar" ? (spec.horizontal ? { x: valueAxis } : { y: valueAxis }) : {},
        onClick: function (_event, elements) {
          if (elements.length && spec.links) { window.location.href = spec.links[elements[0].index]; }
        }
      }
    });
  }
  function plans(id, series, type, palette) {
    draw(document.getElementById(id), { type: type, labels: series.labels, values: series.values,
                                         links: series.links, colours: palette });
  }
  var source = document.getElementById("dashboard-data");
  if (source) {
    var data = JSON.parse(source.textContent);
    plans("chart-level", data.level, "doughnut", colours.level);
    plans("chart-county", data.county, "bar", colours.county);
    plans("chart-status", data.status, "bar", colours.status);
  }
  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
    draw(canvas, JSON.parse(canvas.getAttribute("data-chart")));
  });
}());
