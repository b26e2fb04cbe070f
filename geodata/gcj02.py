"""WGS-84 ⇄ GCJ-02 ("Mars coordinates") for display on Gaode/AutoNavi tiles.

Store WGS-84 always; shift to GCJ-02 only to draw on a GCJ-02 tile layer. The
forward transform is the widely published obfuscation formula (Krasovsky
ellipsoid constants); points outside China are returned unchanged. Works on
scalars and numpy arrays.
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0
_EE = 0.00669342162296594323


def out_of_china(lon, lat):
    """True where the point lies outside the rough bounding box the shift applies to."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon, lat):
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
             + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
             + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad) * pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon, lat):
    """Shift WGS-84 (lon, lat) to GCJ-02. Scalars in → floats out; arrays in → arrays out."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    d_lon, d_lat = _delta(lon_a, lat_a)
    outside = out_of_china(lon_a, lat_a)
    out_lon = np.where(outside, lon_a, lon_a + d_lon)
    out_lat = np.where(outside, lat_a, lat_a + d_lat)
    if out_lon.ndim == 0:
        return float(out_lon), float(out_lat)
    return out_lon, out_lat


def gcj02_to_wgs84(lon, lat, *, tolerance_deg: float = 1e-9, max_iter: int = 30):
    """Invert ``wgs84_to_gcj02`` by fixed-point iteration (error far below a millimetre)."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    guess_lon, guess_lat = lon_a.copy(), lat_a.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(guess_lon, guess_lat)
        err_lon, err_lat = np.asarray(f_lon) - lon_a, np.asarray(f_lat) - lat_a
        guess_lon, guess_lat = guess_lon - err_lon, guess_lat - err_lat
        if np.all(np.abs(err_lon) < tolerance_deg) and np.all(np.abs(err_lat) < tolerance_deg):
            break
    if np.ndim(guess_lon) == 0:
        return float(guess_lon), float(guess_lat)
    return guess_lon, guess_lat
