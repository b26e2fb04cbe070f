"""Render the risk map: enterprises by risk level over the geodata layers, with folium.

Points never become one ``folium.Marker`` each: they travel as one compact JSON
document (columns, with level/status/notation dictionary-encoded) inside a
``<script type="application/json">`` block and are clustered in the browser by
Leaflet.markercluster. The page loads Leaflet and markercluster from ``asset_base``
(the app's pinned copies) and nothing else unless ``tiles`` is given.

Everything that does not depend on the points (folium skeleton, layers, labels) is
rendered once per combination of arguments and reused, so building a page costs
little more than serialising the points.
"""

from __future__ import annotations

import html
import math
import re
import weakref
from collections.abc import Mapping, Sequence
from collections import defaultdict
from functools import lru_cache
from itertools import count
from operator import itemgetter
from pathlib import Path

import numpy as np
import orjson
import shapely

from geodata import gcj02
from geodata.layers import LAYER_NAMES

LEVELS = ("general", "major", "serious")
COLORS = {"serious": "#d62728", "major": "#ff7f0e", "general": "#1f77b4",
          "overdue": "#111111", "due_soon": "#f5c400", "trace": "#c51b8a"}
# Plan statuses (registry/rules/plan_status.py) that get a ring/badge on the map.
FLAGS = {"overdue": ["overdue"], "due_soon": ["due_soon"]}
XUCHANG_CENTER = (113.82, 34.03)

DEFAULT_LABELS: dict[str, dict[str, str] | str] = {
    "lang": "zh-CN",  # the page's <html lang>, for screen readers and fonts
    "title": "环境风险企业分布图",
    "levels": {"general": "一般", "major": "较大", "serious": "重大"},
    "statuses": {"filed": "已备案", "due_soon": "即将到期", "overdue": "已逾期",
                 "superseded": "已被替代", "revision_required": "需修订"},
    "fields": {"risk_level": "风险等级", "credit_code": "统一社会信用代码", "filing_number": "备案编号",
               "review_due_on": "回顾性评估到期", "status": "状态"},
    "layers": {"counties": "县（市、区）", "rivers": "河流", "sections": "跨界断面",
               "receptors": "敏感目标", "intercepts": "拦截点位", "canal": "南水北调干渠"},
    "kinds": {"section": "断面", "drinking_water_intake": "取水口", "water_transfer_canal": "调水干渠",
              "county": "县区", "city": "城市", "confluence": "汇入", "receptor": "敏感目标",
              "crossing": "立交穿越（不连通）"},
    "ui": {"legend": "图例", "search": "按企业名称搜索", "no_match": "无匹配企业", "open": "查看企业详情",
           "demo": "示例数据", "demo_note": "断面、取水口、拦截点位为示例数据；河流走向为近似位置。",
           "trace": "下游追踪", "sheet": "通报单", "overdue_count": "已逾期企业数",
           "trace_start": "起点", "hit": "到达", "km": "距离 km", "hours": "时间 h"},
}

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_POINTS_SLOT = "@@RISK_MAP_POINTS@@"
_TRACE_SLOT = "@@RISK_MAP_TRACE@@"
_NONCE_SLOT = "@@RISK_MAP_NONCE@@"
_CSS_SLOT, _JS_SLOT = "@@RISK_MAP_CSS@@", "@@RISK_MAP_JS@@"
_SLOTS = re.compile(rb"@@RISK_MAP_(POINTS|TRACE|NONCE)@@")
# Inline <script>/<style> start tags of the folium page (scripts with a src and JSON data
# blocks are not inline code and need no nonce).
_INLINE_TAG = re.compile(r"<(script|style)(\s[^>]*)?>")
_DATA_OR_SRC = re.compile(r"""\ssrc=|\stype=["']application/json["']""")
_NONCE = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_SAFE_URL = re.compile(r"^[^\"'<>\s`]*$")


def _json(value) -> bytes:
    """JSON safe to place inside a <script> element: '<' is escaped as \\u003c."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY, default=str).replace(b"<", b"\\u003c")


def merge_labels(labels: Mapping | None) -> dict:
    """Default (Chinese) labels overridden group by group by the caller's."""
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_LABELS.items()}
    for key, value in (labels or {}).items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key].update({str(k): str(v) for k, v in value.items()})
        else:
            merged[key] = str(value)
    return merged


def encode_points(points: Sequence[Mapping], *, details: bool = True, shift_gcj02: bool = False) -> bytes:
    """Serialise points as the compact column document the page reads.

    Args:
        points: dicts with ``id``, ``name``, ``risk_level`` (general|major|serious),
            ``status``, ``notation``, ``lon``, ``lat`` and, when ``details``,
            ``credit_code``, ``filing_number``, ``review_due_on`` (date or ISO string).
        details: include the popup details (else the page fetches them).
        shift_gcj02: shift coordinates to GCJ-02 (for a Gaode tile layer).

    Returns:
        UTF-8 JSON bytes, safe inside a ``<script>`` element: ``{"id": [...], "name":
        [...], "lon": [...], "lat": [...], "cat": [code...], "cats": [[risk_level,
        status, notation], ...]}`` plus ``credit_code``/``filing_number``/
        ``review_due_on`` columns when ``details``.

    Raises:
        ValueError: a point lacks a key, has an unknown risk level, or has coordinates
            that are not finite WGS-84 degrees (the message names the point's id).
    """
    # Every pass below runs in C (map/itemgetter/defaultdict): the build must stay
    # within a small factor of orjson.dumps(points) even for 50,000 points.
    try:
        ids = list(map(itemgetter("id"), points))
        names = list(map(itemgetter("name"), points))
        lons = list(map(itemgetter("lon"), points))
        lats = list(map(itemgetter("lat"), points))
        index: defaultdict = defaultdict(count().__next__)
        codes = list(map(index.__getitem__, map(itemgetter("risk_level", "status", "notation"), points)))
        extra = {}
        if details:
            for key in ("credit_code", "filing_number", "review_due_on"):
                extra[key] = list(map(itemgetter(key), points))
    except KeyError as exc:
        raise ValueError(f"every point needs a {exc.args[0]!r} key") from None
    table = list(index)
    for code, (level, _, _) in enumerate(table):
        if level not in LEVELS:
            raise ValueError(f"point id {ids[codes.index(code)]!r}: risk_level {level!r} is not one of "
                             f"{', '.join(LEVELS)}")
    _check_coordinates(ids, lons, lats)
    if shift_gcj02:
        lon_arr, lat_arr = gcj02.wgs84_to_gcj02(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        lons, lats = np.round(lon_arr, 6), np.round(lat_arr, 6)
    doc = {"id": ids, "name": names, "lon": lons, "lat": lats, "cat": codes, "cats": table, **extra}
    return _json(doc)


def page_points(points: Sequence[Mapping], *, details_url_template: str | None = None,
                embed_details_max: int = 10_000, shift_gcj02: bool = False) -> bytes:
    """The points as ``build_risk_map`` embeds them (``encode_points``), for a caller that
    keeps them between pages (``build_risk_map(encoded_points=...)``): popup details are
    left out, and fetched from ``details_url_template``, past ``embed_details_max`` points.
    Raises ValueError as ``encode_points``."""
    embed = details_url_template is None or len(points) <= embed_details_max
    return encode_points(points, details=embed, shift_gcj02=shift_gcj02)


def _check_coordinates(ids, lons, lats) -> None:
    """Vectorised check; the slow scan only runs to name the culprit."""
    try:
        lon_arr, lat_arr = np.array(lons, dtype=float), np.array(lats, dtype=float)
        fine = bool(np.all(np.isfinite(lon_arr) & np.isfinite(lat_arr)
                           & (np.abs(lon_arr) <= 180) & (np.abs(lat_arr) <= 90)))
    except (TypeError, ValueError):
        fine = False
    if fine:
        return
    for i, (x, y) in enumerate(zip(lons, lats)):
        if not (_is_number(x) and _is_number(y) and math.isfinite(float(x)) and math.isfinite(float(y))
                and abs(float(x)) <= 180 and abs(float(y)) <= 90):
            raise ValueError(f"point id {ids[i]!r}: lon/lat ({x!r}, {y!r}) must be finite WGS-84 degrees")


def _is_number(value) -> bool:
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return True
    try:  # numeric strings are accepted, as numpy accepts them
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


# ---- layers as JSON, cached per GeoDataFrame object ----

_layer_cache: dict[tuple, tuple[list, bytes]] = {}


def _layers_token(layers: Mapping) -> tuple:
    return tuple(sorted((name, id(gdf)) for name, gdf in layers.items()))


def layers_json(layers: Mapping, *, shift_gcj02: bool = False) -> bytes:
    """The layers as one JSON object {name: FeatureCollection}, coordinates to 5 decimals.

    Cached while the same GeoDataFrame objects are alive: treat layers as read-only.
    """
    token = (_layers_token(layers), shift_gcj02)
    hit = _layer_cache.get(token)
    if hit is not None and all(ref() is layers[name] for name, ref in hit[0]):
        return hit[1]
    for name, gdf in layers.items():
        if gdf.crs is None or not gdf.crs.equals("EPSG:4326"):
            from geodata.crs import CRSMismatch

            raise CRSMismatch(f"layer {name!r} must be in EPSG:4326 to be drawn, "
                              f"got {gdf.crs.to_string() if gdf.crs else 'no CRS'}")
    out = {}
    for name, gdf in layers.items():
        frame = gdf.copy()
        geoms = frame.geometry.values
        if shift_gcj02:
            geoms = shapely.transform(geoms, lambda xy: np.column_stack(gcj02.wgs84_to_gcj02(xy[:, 0], xy[:, 1])))
        frame[frame.geometry.name] = shapely.transform(geoms, lambda xy: np.round(xy, 5))
        out[name] = frame.to_geo_dict(drop_id=True)
    data = _json(out)
    refs = [(name, weakref.ref(gdf)) for name, gdf in layers.items()]
    _layer_cache[token] = (refs, data)
    for ref_name, _ref in refs:
        weakref.finalize(layers[ref_name], _layer_cache.pop, token, None)
    return data


# ---- the folium skeleton, cached per argument set ----

@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    return ((_TEMPLATES / "risk_map.css").read_text(encoding="utf-8"),
            (_TEMPLATES / "risk_map.js").read_text(encoding="utf-8"))


def _tile_spec(tiles) -> dict | None:
    if tiles is None:
        return None
    spec = {"url": tiles} if isinstance(tiles, str) else dict(tiles)
    if not spec.get("url"):
        raise ValueError("tiles needs a 'url' (a Leaflet URL template)")
    return spec


def _mark_inline_code(rendered: str) -> str:
    """Give every inline ``<script>``/``<style>`` start tag of the rendered page a nonce
    slot, so a strict content security policy (no 'unsafe-inline') lets exactly these
    run. Runs before our own CSS/JS is put in, so only folium's markup is scanned."""
    def mark(match: re.Match) -> str:
        attrs = match.group(2) or ""
        if match.group(1) == "script" and _DATA_OR_SRC.search(attrs):
            return match.group(0)
        return f"<{match.group(1)}{_NONCE_SLOT}{attrs}>"

    return _INLINE_TAG.sub(mark, rendered)


_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')


def _accessible(rendered: str, config: Mapping) -> str:
    """WCAG 2.1 AA for folium's page: the document names its language, and the viewport
    lets the reader zoom (folium sets ``maximum-scale=1.0, user-scalable=no``)."""
    lang = str(config["labels"].get("lang") or "zh-CN")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise ValueError(f"lang {lang!r} is not a language tag")
    rendered = rendered.replace("<html>", f'<html lang="{lang}">', 1)
    return _VIEWPORT.sub('<meta name="viewport" content="width=device-width, initial-scale=1.0">',
                         rendered, count=1)


@lru_cache(maxsize=32)
def _skeleton(layers_blob: bytes, asset_base: str, config_blob: bytes, title: str,
              location: tuple[float, float], zoom: int, tiles_blob: bytes) -> tuple[bytes, ...]:
    """The page around the points, as byte pieces alternating with slot names
    (``POINTS``, ``TRACE``, ``NONCE``) that ``build_risk_map`` fills per request."""
    import folium
    from branca.element import Figure, MacroElement
    from jinja2 import Template

    figure = Figure(title=html.escape(title))
    fmap = folium.Map(location=[location[1], location[0]], zoom_start=zoom, tiles=None,
                      attribution_control=False, prefer_canvas=True)
    fmap.default_js = [("leaflet", f"{asset_base}/leaflet/leaflet.js"),
                       ("markercluster", f"{asset_base}/leaflet.markercluster/leaflet.markercluster.js")]
    fmap.default_css = [("leaflet_css", f"{asset_base}/leaflet/leaflet.css"),
                        ("markercluster_css", f"{asset_base}/leaflet.markercluster/MarkerCluster.css"),
                        ("markercluster_default_css", f"{asset_base}/leaflet.markercluster/MarkerCluster.Default.css")]
    figure.add_child(fmap)
    tiles = orjson.loads(tiles_blob)
    if tiles:
        folium.TileLayer(tiles=tiles["url"], attr=tiles.get("attribution") or " ",
                         max_zoom=int(tiles.get("max_zoom", 18)), subdomains=tiles.get("subdomains", "abc"),
                         name="tiles", overlay=False, control=False).add_to(fmap)
    css, js = _assets()
    page = MacroElement()
    page._name = "RiskMap"
    page._template = Template(
        "{% macro header(this, kwargs) %}<link rel=\"icon\" href=\"data:,\">"
        "<style>{{ this.css }}</style><script>{{ this.js }}</script>{% endmacro %}"
        "{% macro html(this, kwargs) %}"
        '<script type="application/json" id="risk-map-config">{{ this.config }}</script>'
        '<script type="application/json" id="risk-map-layers">{{ this.layers }}</script>'
        f'<script type="application/json" id="risk-map-points">{_POINTS_SLOT}</script>'
        f'<script type="application/json" id="risk-map-trace">{_TRACE_SLOT}</script>'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}RiskMapInit({{ this._parent.get_name() }});{% endmacro %}")
    # Placeholders first: the nonce marking must not scan our JS (its strings hold tags).
    page.css, page.js = _CSS_SLOT, _JS_SLOT
    page.config, page.layers = config_blob.decode(), layers_blob.decode()
    fmap.add_child(page)
    rendered = _accessible(_mark_inline_code(figure.render()), orjson.loads(config_blob))
    rendered = rendered.replace(_CSS_SLOT, css, 1).replace(_JS_SLOT, js, 1)
    return tuple(_SLOTS.split(rendered.encode()))


def build_risk_map(points: Sequence[Mapping], layers: Mapping, *, asset_base: str = "/static/vendor",
                   labels: Mapping | None = None, url_template: str = "/enterprises/{id}",
                   trace=None, small: bool = False, center: tuple[float, float] | None = None,
                   zoom: int | None = None, tiles=None, details_url_template: str | None = None,
                   embed_details_max: int = 10_000, highlight: tuple[float, float] | None = None,
                   extras: Sequence[Mapping] = (), nonce: str | None = None,
                   encoded_points: bytes | None = None, trace_url_template: str | None = None,
                   sheet_url_template: str | None = None, focus_county: str | None = None) -> str:
    """Build the risk map page (a complete HTML document) with folium.

    Args:
        points: dicts ``{id, name, credit_code, filing_number, risk_level, notation,
            review_due_on, status, lon, lat}`` (WGS-84). See ``encode_points``.
        layers: ``{name: GeoDataFrame}`` in EPSG:4326 (any of ``layers.LAYER_NAMES``).
        asset_base: URL prefix of the vendored Leaflet/markercluster copies.
        labels: UI strings overriding ``DEFAULT_LABELS`` group by group (Chinese default).
        url_template: link of an enterprise page; ``{id}`` is replaced (URL-encoded).
        trace: an ``analysis.Trace`` (or its ``to_dict()``) to draw as a highlighted path.
        small: the compact map for an enterprise page (no legend/search/layer switch).
        center: (lon, lat) to centre on; default fits Xuchang's counties (or the trace).
        zoom: initial zoom (default 9; 13 when ``small``).
        tiles: optional tile layer, a Leaflet URL template or ``{"url", "attribution",
            "subdomains", "max_zoom", "gcj02"}``; with ``gcj02`` true every coordinate is
            shifted to GCJ-02 for Gaode tiles. Off by default: the page then requests
            nothing outside ``asset_base``.
        details_url_template: when given (``{id}`` replaced) and there are more than
            ``embed_details_max`` points, popups fetch ``credit_code``/``filing_number``/
            ``review_due_on`` from it as JSON instead of embedding them, which keeps a
            50,000-point page under 5 MB. Without it details are always embedded.
        highlight: (lon, lat) ringed on the map, e.g. the enterprise whose page it is.
        extras: optional overlays from the host app, each ``{key, label, color, on, open,
            points: [{lon, lat, title, lines: [[label, value], ...], url?, color?}]}``;
            shown in the layer switch, popups as text (user text is never HTML).
        nonce: the response's content-security-policy nonce (base64); every inline
            ``<script>``/``<style>`` element gets it, so the page runs under a policy
            without ``'unsafe-inline'``. None: no nonce attributes.
        encoded_points: ``page_points(...)`` built beforehand with the same
            ``details_url_template``, ``embed_details_max`` and GCJ-02 shift; used instead
            of ``points`` (which may then be empty).
        trace_url_template, sheet_url_template: links in a popup to the enterprise's
            downstream trace and notification sheet (``{id}`` replaced); None: no link.
        focus_county: a county code: the map opens fitted to that county (a filter).

    Returns:
        The HTML. ``window.riskMap`` exposes the map, cluster group, markers, layers and
        ``shown``; the map element carries ``data-points-total``/``data-points-shown``.

    Raises:
        ValueError: bad points (see ``encode_points``), an unsafe ``asset_base``/URL
            template, or a nonce that is not base64.
        CRSMismatch: a layer is not in EPSG:4326.
    """
    if nonce is not None and not _NONCE.fullmatch(nonce):
        raise ValueError(f"nonce {nonce!r} must be base64 (letters, digits, + / _ -, = padding)")
    for what, value in (("asset_base", asset_base), ("url_template", url_template),
                        ("details_url_template", details_url_template or ""),
                        ("trace_url_template", trace_url_template or ""),
                        ("sheet_url_template", sheet_url_template or "")):
        if not _SAFE_URL.match(value):
            raise ValueError(f"{what} {value!r} must not contain quotes, spaces, '<', '>' or backticks")
    tile_spec = _tile_spec(tiles)
    shift = bool(tile_spec and tile_spec.get("gcj02"))
    merged = merge_labels(labels)
    trace_doc = trace.to_dict() if hasattr(trace, "to_dict") else trace
    if shift and trace_doc:
        trace_doc = _shift_trace(trace_doc)
    location = center or _default_center(layers.get("counties"))
    config = {
        "labels": merged, "colors": COLORS, "flags": FLAGS, "url_template": url_template,
        "details_url": details_url_template, "trace_url": trace_url_template,
        "sheet_url": sheet_url_template, "focus_county": focus_county, "small": small,
        "highlight": _highlight(highlight, shift),
        "extras": _extras(extras, shift),
        "fit": center is None and not small and not trace_doc, "fit_trace": center is None and bool(trace_doc),
    }
    pieces = _skeleton(
        layers_json(layers, shift_gcj02=shift), asset_base.rstrip("/"), _json(config), merged["title"],
        (float(location[0]), float(location[1])), int(zoom if zoom is not None else (13 if small else 9)),
        orjson.dumps(tile_spec))
    if encoded_points is None:
        encoded_points = page_points(points, details_url_template=details_url_template,
                                     embed_details_max=embed_details_max, shift_gcj02=shift)
    fill = {b"POINTS": encoded_points,
            b"TRACE": _json(trace_doc), b"NONCE": f' nonce="{nonce}"'.encode() if nonce else b""}
    # Joined as bytes and decoded once: cheaper than widening str pieces.
    return b"".join([fill[p] if i % 2 else p for i, p in enumerate(pieces)]).decode()


def _extras(extras: Sequence[Mapping], shift: bool) -> list[dict]:
    result = []
    for extra in extras:
        if not re.fullmatch(r"[a-z_]+", str(extra["key"])) or extra["key"] in LAYER_NAMES:
            raise ValueError(f"extra layer key {extra['key']!r} must be new and [a-z_]+")
        points = []
        for p in extra.get("points", ()):
            lon, lat = _highlight((p["lon"], p["lat"]), shift)
            url = p.get("url")
            if url is not None and not (_SAFE_URL.match(str(url)) and str(url).startswith("/")
                                        and not str(url).startswith("//")):
                raise ValueError(f"extra layer {extra['key']}: unsafe url {url!r}")
            points.append({**p, "lon": lon, "lat": lat})
        result.append({**extra, "points": points})
    return result


def _highlight(point, shift: bool) -> list[float] | None:
    if point is None:
        return None
    lon, lat = float(point[0]), float(point[1])
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"highlight {point!r} is not a WGS-84 (lon, lat)")
    if shift:
        from geodata.gcj02 import wgs84_to_gcj02

        lon, lat = (float(v) for v in wgs84_to_gcj02(lon, lat))
    return [lon, lat]


def _default_center(counties) -> tuple[float, float]:
    if counties is None:
        return XUCHANG_CENTER
    key = id(counties)
    hit = _center_cache.get(key)
    if hit is not None and hit[0]() is counties:
        return hit[1]
    center = _compute_center(counties)
    _center_cache[key] = (weakref.ref(counties), center)
    weakref.finalize(counties, _center_cache.pop, key, None)
    return center


_center_cache: dict[int, tuple] = {}


def _compute_center(counties) -> tuple[float, float]:
    if counties.empty:
        return XUCHANG_CENTER
    own = counties[~counties["neighbour"].fillna(False).astype(bool)] if "neighbour" in counties else counties
    minx, miny, maxx, maxy = (own if not own.empty else counties).total_bounds
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        return XUCHANG_CENTER
    return ((minx + maxx) / 2, (miny + maxy) / 2)


def _shift_trace(doc: dict) -> dict:
    doc = dict(doc)
    if doc.get("path"):
        xy = np.asarray(doc["path"], dtype=float)
        lon, lat = gcj02.wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        doc["path"] = np.column_stack([lon, lat]).round(6).tolist()
    for key in ("origin", "start"):
        if doc.get(key):
            lon, lat = gcj02.wgs84_to_gcj02(*doc[key])
            doc[key] = [round(float(lon), 6), round(float(lat), 6)]
    hits = []
    for hit in doc.get("hits", []):
        hit = dict(hit)
        lon, lat = gcj02.wgs84_to_gcj02(hit["lon"], hit["lat"])
        hit["lon"], hit["lat"] = round(float(lon), 6), round(float(lat), 6)
        hits.append(hit)
    doc["hits"] = hits
    return doc
