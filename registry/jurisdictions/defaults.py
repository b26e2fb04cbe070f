"""The default jurisdiction: Xuchang (许昌市, 411000) — domain.md §7.

A new database holds these rows (the first migration inserts a frozen copy);
administrators may add functional zones with local codes.
"""
XUCHANG = {"city_code": "411000", "city_name": "许昌市"}

DEFAULT_COUNTIES = (
    # code, name, lon, lat, retired, successor
    ("411002", "魏都区", 113.82, 34.03, False, None),
    ("411003", "建安区", 113.83, 34.00, False, None),
    ("411023", "许昌县", 113.83, 34.00, True, "411003"),
    ("411024", "鄢陵县", 114.20, 34.10, False, None),
    ("411025", "襄城县", 113.48, 33.85, False, None),
    ("411081", "禹州市", 113.47, 34.17, False, None),
    ("411082", "长葛市", 113.77, 34.22, False, None),
)


def default_county_rows() -> list[dict]:
    return [
        dict(code=code, name=name, longitude=lon, latitude=lat, retired=retired,
             successor_code=successor, kind="county", **XUCHANG)
        for code, name, lon, lat, retired, successor in DEFAULT_COUNTIES
    ]
