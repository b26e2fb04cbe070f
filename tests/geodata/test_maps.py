import json
import re

import pytest

from geodata.analysis import RiverNetwork
from geodata.maps import build_risk_map, encode_points
from tests.geodata import factories as f


def blocks(page):
    """The JSON blocks of a page, parsed."""
    found = re.findall(r'<script type="application/json" id="risk-map-([a-z]+)">(.*?)</script>', page, re.S)
    return {name: json.loads(body) for name, body in found}


@pytest.fixture(scope="module")
def layers():
    return f.layers()


def test_page_is_offline_and_uses_the_asset_base(layers):
    page = build_risk_map([f.point()], layers, asset_base="/assets/v")
    assert "://" not in page
    assert '<script src="/assets/v/leaflet/leaflet.js">' in page
    assert "/assets/v/leaflet.markercluster/leaflet.markercluster.js" in page


def test_tiles_are_opt_in(layers):
    page = build_risk_map([f.point()], layers, tiles={"url": "https://t.example/{z}/{x}/{y}.png",
                                                     "attribution": "© example"})
    assert "https://t.example/{z}/{x}/{y}.png" in page


def test_points_are_one_compact_document_not_markers(layers):
    points = [f.point(id=i, lon=113.5 + i / 1000) for i in range(300)]
    page = build_risk_map(points, layers)
    assert "L.marker(" not in page.split('id="risk-map-points"')[0].split("RiskMapInit")[-1]
    data = blocks(page)["points"]
    assert len(data["id"]) == 300
    assert data["cats"] == [["serious", "filed", "重大[重大-水(Q2-M3-E1)+一般-大气(Q0)]"]]
    assert set(data["cat"]) == {0}
    one = build_risk_map(points[:1], layers)
    assert one.count("L.circleMarker(") == page.count("L.circleMarker(")  # code does not grow with points


def test_user_text_is_escaped_for_html_and_js(layers):
    evil = f.point(name=f.XSS_NAME, notation=f.XSS_NAME, filing_number="</script><script>alert(2)</script>")
    page = build_risk_map([evil], layers, labels={"ui": {"open": f.XSS_NAME}})
    assert "<img" not in page
    assert "</script><script>alert(2)" not in page
    parsed = blocks(page)
    assert parsed["points"]["name"] == [f.XSS_NAME]
    assert parsed["points"]["filing_number"] == ["</script><script>alert(2)</script>"]
    assert parsed["config"]["labels"]["ui"]["open"] == f.XSS_NAME
    # the script never interpolates data into code: names reach the DOM via textContent
    assert "innerHTML" not in page.split("RiskMapInit")[0].split("<script>")[-1]


def test_layer_names_reach_the_page(layers):
    parsed = blocks(build_risk_map([f.point()], layers))
    assert parsed["layers"]["rivers"]["features"][0]["properties"]["name"] == "甲河"
    assert {"counties", "rivers", "sections", "receptors", "intercepts"} <= set(parsed["layers"])


def test_labels_override_defaults(layers):
    cfg = blocks(build_risk_map([f.point()], layers, labels={"levels": {"serious": "Serious"}}))["config"]
    assert cfg["labels"]["levels"] == {"general": "一般", "major": "较大", "serious": "Serious"}


def test_trace_is_embedded(layers):
    net = RiverNetwork.from_layers(layers["rivers"], layers["sections"], layers["receptors"], layers["counties"])
    page = build_risk_map([f.point()], layers, trace=net.trace(113.50, 34.20))
    trace = blocks(page)["trace"]
    assert trace["rivers"] == ["甲河", "乙河"]
    assert blocks(page)["config"]["fit_trace"] is True


def test_details_are_fetched_for_large_maps_only(layers):
    url = "/api/v1/enterprises/{id}"
    small = blocks(build_risk_map([f.point()], layers, details_url_template=url))
    assert small["points"]["credit_code"] == ["91130200699229617X"]
    large = blocks(build_risk_map([f.point(), f.point(id=2)], layers, details_url_template=url,
                                  embed_details_max=1))
    assert "credit_code" not in large["points"]
    assert large["config"]["details_url"] == url


def test_gaode_tiles_shift_points_to_gcj02(layers):
    page = build_risk_map([f.point()], layers, tiles={"url": "/tiles/{z}/{x}/{y}.png", "gcj02": True})
    lon = blocks(page)["points"]["lon"][0]
    assert 0.001 < lon - 113.6 < 0.01


@pytest.mark.parametrize(("change", "message"), [
    ({"risk_level": "extreme"}, "risk_level 'extreme'"),
    ({"lon": "x"}, "point id 1: lon/lat"),
    ({"lat": float("nan")}, "point id 1"),
])
def test_bad_points_raise(change, message, layers):
    with pytest.raises(ValueError, match=re.escape(message)):
        build_risk_map([f.point(**change)], layers)


def test_missing_key_raises():
    point = f.point()
    del point["status"]
    with pytest.raises(ValueError, match="'status'"):
        encode_points([point])


def test_unsafe_urls_raise(layers):
    with pytest.raises(ValueError, match="asset_base"):
        build_risk_map([f.point()], layers, asset_base='/x"><script>')


def _inline_code_tags(page):
    """Start tags of inline <script>/<style> elements, outside our own script's text."""
    start = page.index("/* Risk map behaviour")
    markup = page[:start] + page[page.index("</script>", start):]
    return [tag for tag in re.findall(r"<(?:script|style)\b[^>]*>", markup)
            if " src=" not in tag and 'type="application/json"' not in tag], markup


def test_inline_code_carries_the_nonce_for_a_strict_policy(layers):
    """Under a policy without 'unsafe-inline' only elements with the nonce run: every one
    of folium's and ours gets it, in every page, and no element has a style attribute."""
    for options in ({}, {"small": True, "center": (113.8, 34.0)}, {"tiles": "https://t.example/{z}/{x}/{y}.png"}):
        first = build_risk_map([f.point()], layers, nonce="Zm9v-YmFy_0123456789ab", **options)
        tags, markup = _inline_code_tags(first)
        assert len(tags) >= 4 and all(' nonce="Zm9v-YmFy_0123456789ab"' in t for t in tags), tags
        assert " style=" not in markup
        # The skeleton is cached; the nonce is not.
        second = build_risk_map([f.point()], layers, nonce="c2Vjb25k", **options)
        assert "Zm9v" not in second and second.count(' nonce="c2Vjb25k"') == len(tags)
    plain = build_risk_map([f.point()], layers)
    assert "nonce=" not in plain and len(_inline_code_tags(plain)[0]) == len(tags)
    for bad in ('x" onload="alert(1)', "a b", ""):
        with pytest.raises(ValueError, match="nonce"):
            build_risk_map([f.point()], layers, nonce=bad)


def test_small_map_and_empty_points(layers):
    page = build_risk_map([], layers, small=True, center=(113.6, 34.1))
    cfg = blocks(page)["config"]
    assert cfg["small"] is True and cfg["fit"] is False
    assert blocks(page)["points"]["id"] == []


def test_highlight_is_validated_and_passed_to_the_page():
    html = build_risk_map([], {}, small=True, center=(113.8, 34.0), highlight=(113.8, 34.0))
    assert '"highlight":[113.8,34.0]' in html
    with pytest.raises(ValueError, match="highlight"):
        build_risk_map([], {}, highlight=(float("nan"), 34.0))


def test_extra_overlays_travel_as_data_and_refuse_unsafe_links():
    extra = {"key": "drills", "label": "应急演练", "color": "#198754", "on": False,
             "points": [{"lon": 113.8, "lat": 34.0, "title": "<b>演练</b>`${x}`",
                         "lines": [["日期", "2026-05-01"]], "url": "/drills/1"}]}
    page = build_risk_map([], {}, extras=[extra])
    config = blocks(page)["config"]
    assert config["extras"][0]["points"][0]["title"] == "<b>演练</b>`${x}`"
    assert "<b>演练" not in page  # only inside JSON, with '<' escaped
    for bad in ({"url": "javascript:alert(1)"}, {"url": "//evil.example/x"}):
        with pytest.raises(ValueError):
            build_risk_map([], {}, extras=[{**extra, "points": [{**extra["points"][0], **bad}]}])
    with pytest.raises(ValueError):
        build_risk_map([], {}, extras=[{**extra, "key": "rivers"}])
