import numpy as np
import pytest

from geodata.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

# Published reference pairs (WGS-84 -> GCJ-02), lon/lat.
KNOWN = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),    # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),   # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),   # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_known_values(wgs, gcj):
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_inverse(wgs, gcj):
    assert gcj02_to_wgs84(*gcj) == pytest.approx(wgs, abs=1e-7)


def test_arrays_and_outside_china():
    lon, lat = wgs84_to_gcj02(np.array([113.82, 2.35]), np.array([34.03, 48.85]))
    assert lon[1] == 2.35 and lat[1] == 48.85  # Paris is not shifted
    shift_m = np.hypot((lon[0] - 113.82) * 92_000, (lat[0] - 34.03) * 111_000)
    assert 100 < shift_m < 700
