"""Tiny in-code layers around Xuchang for the geodata tests (explicit CRS everywhere).

Tributary 甲河 runs SE from (113.50, 34.20) into 乙河 at (113.70, 34.00); 乙河 runs from
(113.90, 34.20) through that confluence south to (113.70, 33.80). County 禹州市 (许昌市)
covers lat 33.9–34.3, county 临颍县 (漯河市, a neighbour) lat 33.7–33.9.
"""

import geopandas as gpd
from shapely.geometry import LineString, Point, box

WGS84 = "EPSG:4326"
CONFLUENCE = (113.70, 34.00)


def rivers(crs=WGS84):
    frame = gpd.GeoDataFrame(
        {"name": ["甲河", "乙河"], "flow_speed_mps": [1.0, 0.5]},
        geometry=[LineString([(113.50, 34.20), (113.60, 34.10), CONFLUENCE]),
                  LineString([(113.90, 34.20), CONFLUENCE, (113.70, 33.80)])],
        crs=WGS84)
    return frame.to_crs(crs)


def counties(crs=WGS84):
    frame = gpd.GeoDataFrame(
        {"code": ["411081", "411122"], "name": ["禹州市", "临颍县"], "city": ["许昌市", "漯河市"],
         "city_code": ["411000", "411100"], "neighbour": [False, True]},
        geometry=[box(113.40, 33.90, 113.95, 34.30), box(113.40, 33.70, 113.95, 33.90)], crs=WGS84)
    return frame.to_crs(crs)


def sections(crs=WGS84):
    return gpd.GeoDataFrame(
        {"name": ["乙河出境断面"], "river": ["乙河"], "from_city": ["许昌市"], "to_city": ["漯河市"],
         "neighbour_city": ["漯河市"], "demo": [True]},
        geometry=[Point(113.70, 33.90)], crs=WGS84).to_crs(crs)


def receptors(crs=WGS84):
    return gpd.GeoDataFrame(
        {"name": ["乙河取水口", "调水干渠", "别的河取水口"],
         "kind": ["drinking_water_intake", "water_transfer_canal", "drinking_water_intake"],
         "river": ["乙河", None, "丙河"], "demo": [True, True, True]},
        geometry=[Point(113.70, 33.85), LineString([(113.50, 34.10), (113.70, 34.10)]),
                  Point(113.701, 33.86)],
        crs=WGS84).to_crs(crs)


def intercepts(crs=WGS84):
    return gpd.GeoDataFrame({"name": ["乙河闸"], "kind": ["sluice"], "demo": [True]},
                            geometry=[Point(113.70, 33.95)], crs=WGS84).to_crs(crs)


def layers():
    return {"counties": counties(), "rivers": rivers(), "sections": sections(),
            "receptors": receptors(), "intercepts": intercepts()}


XSS_NAME = "<img src=x onerror=alert(1)>`${alert(1)}`"


def point(**overrides):
    base = {"id": 1, "name": "许昌示例化工有限公司", "credit_code": "91130200699229617X",
            "filing_number": "411081-2023-001-H", "risk_level": "serious",
            "notation": "重大[重大-水(Q2-M3-E1)+一般-大气(Q0)]", "review_due_on": "2026-01-01",
            "status": "filed", "lon": 113.6, "lat": 34.1}
    base.update(overrides)
    return base
