/* Risk map behaviour for geodata.maps.build_risk_map.
 *
 * Every user-entered string arrives through JSON.parse of a <script type="application/json">
 * block and reaches the page only through textContent (or escapeHtml where Leaflet
 * insists on HTML strings), so quotes, backticks and ${ never meet a JS or HTML parser.
 * Exposes window.riskMap for tests and the host page.
 */
(function () {
  "use strict";

  var LEVELS = ["serious", "major", "general"];
  var LEVEL_RANK = { general: 0, major: 1, serious: 2 };

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"'`]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" }[c];
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function label(cfg, group, key) {
    var table = cfg.labels[group] || {};
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
  }

  // Layer-switch labels are HTML strings that Leaflet parses, and the page's policy
  // refuses style="" attributes: the colour is an SVG fill attribute instead.
  function swatch(color, shape) {
    return '<svg class="rm-swatch rm-' + shape + '" viewBox="0 0 12 12" aria-hidden="true">' +
           '<rect width="12" height="12" fill="' + escapeHtml(color) + '"></rect></svg>';
  }

  function arrowIcon(angle) {
    var glyph = el("span", null, "\u27A4");
    glyph.style.transform = "rotate(" + angle.toFixed(1) + "deg)";  // CSSOM, not a style attribute
    return L.divIcon({ className: "rm-arrow", iconSize: [14, 14], html: glyph });
  }

  /* ---------- static layers ---------- */

  function countiesLayer(data, cfg) {
    return L.geoJSON(data, {
      style: function (f) {
        var n = f.properties.neighbour;
        return { color: n ? "#9a9a9a" : "#4d4d4d", weight: n ? 1 : 1.6, dashArray: n ? "4 3" : null,
                 fillColor: n ? "#ececec" : "#fbf6e4", fillOpacity: n ? 0.45 : 0.8 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        var text = p.neighbour ? p.city + " " + p.name : p.name;
        layer.bindTooltip(escapeHtml(text), { sticky: true });
        if (!p.neighbour && !cfg.small) {
          layer.on("add", function () {
            var c = layer.getBounds().getCenter();
            // In a pane under the markers: a county's name must not cover a cluster's count.
            layer._label = L.tooltip({ permanent: true, direction: "center", className: "rm-county-label",
                                       pane: "rm-county-labels", interactive: false })
              .setLatLng(c).setContent(escapeHtml(p.name));
            layer._label.addTo(layer._map);
          });
          layer.on("remove", function () { if (layer._label) layer._label.remove(); });
        }
      }
    });
  }

  function bearing(a, b) {
    var dx = (b[0] - a[0]) * Math.cos(a[1] * Math.PI / 180), dy = b[1] - a[1];
    return Math.atan2(dy, dx) * 180 / Math.PI;
  }

  function riversLayer(data, cfg) {
    var group = L.featureGroup();
    (data.features || []).forEach(function (f) {
      var coords = f.geometry.coordinates;
      var latlngs = coords.map(function (c) { return [c[1], c[0]]; });
      L.polyline(latlngs, { color: "#2b7bb9", weight: 3, opacity: 0.9, className: "rm-river" })
        .bindTooltip(escapeHtml(f.properties.name), { sticky: true }).addTo(group);
      var mid = coords[Math.floor(coords.length / 2)];
      L.tooltip({ permanent: true, direction: "center", className: "rm-river-label", interactive: false })
        .setLatLng([mid[1], mid[0]]).setContent(escapeHtml(f.properties.name)).addTo(group);
      // A flow arrow every ~12 km, pointing downstream (lines run upstream -> downstream).
      var run = 0, every = 0.11, next = every / 2;
      for (var i = 1; i < coords.length; i++) {
        var a = coords[i - 1], b = coords[i];
        run += Math.sqrt(Math.pow((b[0] - a[0]) * Math.cos(a[1] * Math.PI / 180), 2) + Math.pow(b[1] - a[1], 2));
        if (run >= next) {
          next += every;
          var angle = -bearing(a, b);
          L.marker([b[1], b[0]], { interactive: false, keyboard: false, icon: arrowIcon(angle) }).addTo(group);
        }
      }
    });
    return group;
  }

  function pointFeatures(data, cfg, makeIcon, lineStyle) {
    return L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        return L.marker(latlng, { icon: makeIcon(f.properties), keyboard: false });
      },
      style: function () { return lineStyle || {}; },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        var text = p.name + (p.demo ? " · " + cfg.labels.ui.demo : "");
        layer.bindTooltip(escapeHtml(text), { sticky: true });
      }
    });
  }

  function icon(cls, glyph) {
    return function () { return L.divIcon({ className: "rm-sym " + cls, iconSize: [16, 16], html: glyph }); };
  }

  /* ---------- enterprises ---------- */

  function decodePoints(p) {
    var n = p.id.length, items = new Array(n);
    for (var i = 0; i < n; i++) {
      var cat = p.cats[p.cat[i]];
      items[i] = { i: i, id: p.id[i], name: p.name[i], lon: p.lon[i], lat: p.lat[i],
                   level: cat[0], status: cat[1], notation: cat[2] };
    }
    return items;
  }

  function statusFlag(cfg, status) {
    if (cfg.flags.overdue.indexOf(status) >= 0) return "overdue";
    if (cfg.flags.due_soon.indexOf(status) >= 0) return "due_soon";
    return null;
  }

  function markerFor(item, cfg, renderer) {
    var flag = statusFlag(cfg, item.status);
    var ring = flag === "overdue" ? cfg.colors.overdue : flag === "due_soon" ? cfg.colors.due_soon : "#ffffff";
    var m = L.circleMarker([item.lat, item.lon], {
      renderer: renderer, radius: cfg.small ? 7 : 6, weight: flag ? 3 : 1, color: ring, opacity: 1,
      fillColor: cfg.colors[item.level] || "#666", fillOpacity: 0.95
    });
    m.options.item = item;
    return m;
  }

  function clusterIcon(cfg) {
    return function (cluster) {
      var worst = 0, flagged = 0, children = cluster.getAllChildMarkers();
      for (var i = 0; i < children.length; i++) {
        var item = children[i].options.item;
        worst = Math.max(worst, LEVEL_RANK[item.level] || 0);
        if (statusFlag(cfg, item.status) === "overdue") flagged++;
      }
      var level = ["general", "major", "serious"][worst];
      var count = cluster.getChildCount();
      var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 48;
      var html = '<div class="rm-cluster rm-cluster-' + level + '" data-count="' + count + '">' +
                 '<span>' + count + "</span>" +
                 (flagged ? '<b class="rm-cluster-badge" title="' + escapeHtml(cfg.labels.ui.overdue_count) + '">' + flagged + "</b>" : "") + "</div>";
      return L.divIcon({ html: html, className: "rm-cluster-icon", iconSize: [size, size] });
    };
  }

  function row(table, key, value) {
    var tr = el("tr");
    tr.appendChild(el("th", null, key));
    var td = el("td", null, value === null || value === undefined ? "—" : value);
    tr.appendChild(td);
    table.appendChild(tr);
    return td;
  }

  // An optional overlay from the host app (drills, agreements…): points with a title and
  // label/value lines, all shown as text.
  function extraLayer(extra) {
    var group = L.layerGroup();
    (extra.points || []).forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], {
        radius: 6, weight: 2, color: "#333", fillColor: p.color || extra.color, fillOpacity: 0.9
      });
      marker.bindPopup(function () {
        var box = el("div", "rm-popup");
        box.appendChild(el("div", "rm-popup-title", p.title));
        var table = el("table", "rm-popup-table");
        (p.lines || []).forEach(function (line) { row(table, line[0], line[1]); });
        box.appendChild(table);
        if (p.url) {
          var a = el("a", null, extra.open || "»");
          a.href = p.url;
          a.target = "_top";
          box.appendChild(a);
        }
        return box;
      });
      group.addLayer(marker);
    });
    return group;
  }

  function popupContent(item, cfg, details) {
    var box = el("div", "rm-popup");
    box.appendChild(el("div", "rm-popup-title", item.name));
    var table = el("table", "rm-popup-table");
    // The notation (较大[较大-大气(…)+一般-水(…)]) starts with the level: not said twice.
    var lvl = item.notation || label(cfg, "levels", item.level);
    row(table, cfg.labels.fields.risk_level, lvl);
    var credit = row(table, cfg.labels.fields.credit_code, details ? details.credit_code[item.i] : "…");
    var filing = row(table, cfg.labels.fields.filing_number, details ? details.filing_number[item.i] : "…");
    var due = row(table, cfg.labels.fields.review_due_on, details ? details.review_due_on[item.i] : "…");
    var status = row(table, cfg.labels.fields.status, label(cfg, "statuses", item.status));
    var flag = statusFlag(cfg, item.status);
    if (flag) status.appendChild(el("span", "rm-flag rm-flag-" + flag, label(cfg, "statuses", item.status)));
    box.appendChild(table);
    var link = el("a", "rm-popup-link", cfg.labels.ui.open);
    link.setAttribute("href", cfg.url_template.split("{id}").join(encodeURIComponent(item.id)));
    link.setAttribute("target", "_top");
    box.appendChild(link);
    [["trace_url", "trace", "rm-popup-trace"], ["sheet_url", "sheet", "rm-popup-sheet"]].forEach(function (spec) {
      if (!cfg[spec[0]]) return;
      var a = el("a", "rm-popup-link " + spec[2], cfg.labels.ui[spec[1]]);
      a.setAttribute("href", cfg[spec[0]].split("{id}").join(encodeURIComponent(item.id)));
      a.setAttribute("target", "_top");
      box.appendChild(a);
    });
    if (!details && cfg.details_url) {
      var url = cfg.details_url.split("{id}").join(encodeURIComponent(item.id));
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (d) {
          credit.textContent = d.credit_code || "—";
          filing.textContent = d.filing_number || "—";
          due.textContent = d.review_due_on || "—";
        })
        .catch(function () { credit.textContent = filing.textContent = due.textContent = "—"; });
    }
    return box;
  }

  /* ---------- controls ---------- */

  function legendControl(cfg, counts) {
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      var box = el("div", "rm-legend leaflet-bar");
      box.id = "risk-map-legend";
      box.appendChild(el("div", "rm-legend-title", cfg.labels.ui.legend));
      LEVELS.forEach(function (lv) {
        var line = el("div", "rm-legend-row");
        var dot = el("span", "rm-swatch rm-dot");
        dot.style.background = cfg.colors[lv];
        line.appendChild(dot);
        line.appendChild(el("span", null, label(cfg, "levels", lv) + " (" + (counts[lv] || 0) + ")"));
        box.appendChild(line);
      });
      [["overdue", cfg.colors.overdue], ["due_soon", cfg.colors.due_soon]].forEach(function (pair) {
        var line = el("div", "rm-legend-row");
        var ring = el("span", "rm-swatch rm-ring");
        ring.style.borderColor = pair[1];
        line.appendChild(ring);
        line.appendChild(el("span", null, label(cfg, "statuses", pair[0])));
        box.appendChild(line);
      });
      var badgeLine = el("div", "rm-legend-row");
      badgeLine.appendChild(el("b", "rm-cluster-badge rm-legend-badge", "3"));
      badgeLine.appendChild(el("span", null, cfg.labels.ui.overdue_count));
      box.appendChild(badgeLine);
      [["rm-river-swatch", "rivers"], ["rm-sym rm-section", "sections"], ["rm-sym rm-intake", "receptors"],
       ["rm-canal-swatch", "canal"], ["rm-sym rm-intercept", "intercepts"]].forEach(function (pair) {
        var line = el("div", "rm-legend-row");
        line.appendChild(el("span", "rm-swatch " + pair[0]));
        line.appendChild(el("span", null, cfg.labels.layers[pair[1]]));
        box.appendChild(line);
      });
      (cfg.extras || []).forEach(function (extra) {
        var line = el("div", "rm-legend-row rm-legend-extra");
        var dot = el("span", "rm-swatch rm-dot");
        dot.style.background = extra.color;
        line.appendChild(dot);
        line.appendChild(el("span", null, extra.label));
        box.appendChild(line);
      });
      box.appendChild(el("div", "rm-legend-note", cfg.labels.ui.demo_note));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return ctl;
  }

  function searchControl(cfg, state) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var box = el("div", "rm-search leaflet-bar");
      var input = el("input");
      input.id = "risk-map-search";
      input.type = "search";
      input.setAttribute("placeholder", cfg.labels.ui.search);
      input.setAttribute("aria-label", cfg.labels.ui.search);
      var list = el("ul", "rm-search-results");
      list.id = "risk-map-search-results";
      box.appendChild(input);
      box.appendChild(list);
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          while (list.firstChild) list.removeChild(list.firstChild);
          var q = input.value.trim().toLowerCase();
          if (!q) return;
          var found = 0;
          for (var i = 0; i < state.visible.length && found < 12; i++) {
            var item = state.items[state.visible[i]];
            if (String(item.name).toLowerCase().indexOf(q) < 0) continue;
            found++;
            var li = el("li", "rm-search-hit rm-level-" + item.level, item.name);
            li.setAttribute("data-id", String(item.id));
            li.addEventListener("click", (function (idx) {
              return function () { state.focus(idx); };
            })(item.i));
            list.appendChild(li);
          }
          if (!found) list.appendChild(el("li", "rm-search-none", cfg.labels.ui.no_match));
        }, 120);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return ctl;
  }

  function traceLayer(trace, cfg) {
    var group = L.featureGroup();
    var latlngs = trace.path.map(function (c) { return [c[1], c[0]]; });
    L.polyline(latlngs, { color: cfg.colors.trace, weight: 7, opacity: 0.75, className: "rm-trace" }).addTo(group);
    L.circleMarker([trace.origin[1], trace.origin[0]], { radius: 7, color: "#000", weight: 2,
      fillColor: cfg.colors.trace, fillOpacity: 1 }).bindTooltip(escapeHtml(cfg.labels.ui.trace_start)).addTo(group);
    trace.hits.forEach(function (h) {
      if (h.kind === "county") return;
      var text = h.name + " · " + (h.distance_along_river_m / 1000).toFixed(1) + " km · " +
                 h.arrival_hours.toFixed(1) + " h";
      L.circleMarker([h.lat, h.lon], { radius: 5, color: cfg.colors.trace, weight: 2, fillColor: "#fff",
        fillOpacity: 1 }).bindTooltip(escapeHtml(text)).addTo(group);
    });
    return group;
  }

  function tracePanel(trace, cfg) {
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () {
      var box = el("div", "rm-trace-panel leaflet-bar");
      box.id = "risk-map-trace";
      box.tabIndex = 0;  // it scrolls: keyboard users must reach it (WCAG 2.1.1)
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", cfg.labels.ui.trace);
      box.appendChild(el("div", "rm-legend-title", cfg.labels.ui.trace + " · " + trace.river + " (" +
                         Math.round(trace.distance_to_river_m) + " m)"));
      var table = el("table", "rm-trace-table");
      var head = el("tr");
      [cfg.labels.ui.hit, cfg.labels.ui.km, cfg.labels.ui.hours].forEach(function (t) { head.appendChild(el("th", null, t)); });
      table.appendChild(head);
      trace.hits.forEach(function (h) {
        var tr = el("tr", "rm-hit rm-hit-" + h.kind);
        tr.appendChild(el("td", null, label(cfg, "kinds", h.kind) + ": " + h.name));
        tr.appendChild(el("td", "rm-num", (h.distance_along_river_m / 1000).toFixed(1)));
        tr.appendChild(el("td", "rm-num", h.arrival_hours.toFixed(1)));
        table.appendChild(tr);
      });
      box.appendChild(table);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return ctl;
  }

  /* ---------- wiring ---------- */

  window.RiskMapInit = function (map) {
    var cfg = readJSON("risk-map-config");
    var layersData = readJSON("risk-map-layers") || {};
    var points = readJSON("risk-map-points");
    var details = points.credit_code ? points : null;
    var trace = readJSON("risk-map-trace");
    var container = map.getContainer();
    var renderer = L.canvas({ padding: 0.5 });
    // markercluster needs a maxZoom, which a map without tile layers lacks.
    if (map.options.maxZoom === undefined) map.options.maxZoom = 18;

    map.createPane("rm-county-labels").style.zIndex = 450;  // over the areas, under markers
    var layers = {};
    if (layersData.counties) layers.counties = countiesLayer(layersData.counties, cfg).addTo(map);
    if (layersData.rivers) layers.rivers = riversLayer(layersData.rivers, cfg).addTo(map);
    if (layersData.receptors) {
      layers.receptors = pointFeatures(layersData.receptors, cfg, icon("rm-intake", "&#9650;"),
        { color: "#00a6a6", weight: 4, dashArray: "8 5", opacity: 0.9 }).addTo(map);
    }
    if (layersData.sections) layers.sections = pointFeatures(layersData.sections, cfg, icon("rm-section", "&#9670;")).addTo(map);
    if (layersData.intercepts) layers.intercepts = pointFeatures(layersData.intercepts, cfg, icon("rm-intercept", "&#9646;")).addTo(map);

    var items = decodePoints(points);
    var markers = items.map(function (item) { return markerFor(item, cfg, renderer); });
    var cluster = L.markerClusterGroup({
      chunkedLoading: true, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
      maxClusterRadius: cfg.small ? 30 : 50, iconCreateFunction: clusterIcon(cfg),
      // Every point placed in its cluster (markercluster adds them in chunks, the page
      // staying responsive between chunks): when, for tests and bench/map_browser.py.
      chunkProgress: function (done, total) {
        if (done === total) container.setAttribute("data-clustered-ms", String(Math.round(performance.now())));
      }
    });
    var counts = {};
    items.forEach(function (it) { counts[it.level] = (counts[it.level] || 0) + 1; });

    var state = { items: items, visible: [], levels: {} };
    LEVELS.forEach(function (lv) { state.levels[lv] = true; });

    function refresh() {
      state.visible = [];
      var shown = [];
      for (var i = 0; i < items.length; i++) {
        if (state.levels[items[i].level]) { state.visible.push(i); shown.push(markers[i]); }
      }
      cluster.clearLayers();
      cluster.addLayers(shown);
      container.setAttribute("data-points-shown", String(shown.length));
      api.shown = shown.length;
    }

    function openPopup(idx) {
      var item = items[idx];
      L.popup({ maxWidth: 380, minWidth: 300 }).setLatLng([item.lat, item.lon])
        .setContent(popupContent(item, cfg, details)).openOn(map);
    }
    state.focus = function (idx) {
      cluster.zoomToShowLayer(markers[idx], function () { openPopup(idx); });
    };
    cluster.on("click", function (e) { openPopup(e.layer.options.item.i); });
    cluster.addTo(map);

    var api = {
      map: map, cluster: cluster, markers: markers, items: items, layers: layers,
      total: items.length, shown: 0, levels: state.levels,
      setLevels: function (levels) {
        LEVELS.forEach(function (lv) {
          state.levels[lv] = levels.indexOf(lv) >= 0;
          var toggle = levelToggles[lv];
          if (toggle) {
            if (state.levels[lv] && !map.hasLayer(toggle)) { silent = true; toggle.addTo(map); silent = false; }
            if (!state.levels[lv] && map.hasLayer(toggle)) { silent = true; map.removeLayer(toggle); silent = false; }
          }
        });
        refresh();
        return api.shown;
      },
      focus: state.focus,
      escapeHtml: escapeHtml
    };

    var levelToggles = {}, silent = false;
    if (!cfg.small) {
      var overlays = {};
      LEVELS.forEach(function (lv) {
        levelToggles[lv] = L.layerGroup().addTo(map);
        overlays[swatch(cfg.colors[lv], "dot") + escapeHtml(label(cfg, "levels", lv))] = levelToggles[lv];
      });
      ["counties", "rivers", "sections", "receptors", "intercepts"].forEach(function (name) {
        if (layers[name]) overlays[escapeHtml(cfg.labels.layers[name])] = layers[name];
      });
      (cfg.extras || []).forEach(function (extra) {
        layers[extra.key] = extraLayer(extra);
        if (extra.on) layers[extra.key].addTo(map);
        overlays[swatch(extra.color, "dot") + escapeHtml(extra.label)] = layers[extra.key];
      });
      map.on("overlayadd overlayremove", function (e) {
        if (silent) return;
        LEVELS.forEach(function (lv) {
          if (e.layer === levelToggles[lv]) { state.levels[lv] = e.type === "overlayadd"; refresh(); }
        });
      });
      if (trace) {
        layers.trace = traceLayer(trace, cfg).addTo(map);
        overlays[escapeHtml(cfg.labels.ui.trace)] = layers.trace;
      }
      L.control.layers(null, overlays, { collapsed: map.getSize().y < 700, position: "topright" }).addTo(map);
      legendControl(cfg, counts).addTo(map);
      searchControl(cfg, state).addTo(map);
      if (trace) tracePanel(trace, cfg).addTo(map);
    } else if (trace) {
      layers.trace = traceLayer(trace, cfg).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    if (cfg.highlight) {
      layers.highlight = L.circleMarker([cfg.highlight[1], cfg.highlight[0]], {
        radius: 15, weight: 3, color: "#6f42c1", dashArray: "4 3", fill: false, interactive: false
      }).addTo(map);
    }

    refresh();
    if (cfg.fit && layers.counties) {
      var own = L.featureGroup();
      layers.counties.eachLayer(function (l) {
        var p = l.feature.properties;
        if (cfg.focus_county ? p.code === cfg.focus_county : !p.neighbour) own.addLayer(l);
      });
      if (own.getLayers().length) map.fitBounds(own.getBounds(), { padding: [10, 10] });
    }
    if (trace && cfg.fit_trace && layers.trace) map.fitBounds(layers.trace.getBounds(), { padding: [20, 20] });
    container.setAttribute("data-points-total", String(items.length));
    container.setAttribute("data-ready-ms", String(Math.round(performance.now())));
    container.setAttribute("data-risk-map-ready", "1");
    window.riskMap = api;
    return api;
  };
})();
