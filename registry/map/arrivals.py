"""The downstream table (下游追踪): a river may leave a county or the home city and come
back, so the trace meets the same county twice; the table lists each place once, at its
first arrival, and says when the water comes back into the home city."""
from __future__ import annotations

# Places a river can leave and re-enter (intakes and sections are passed only once).
_AREAS = ("county", "city")


def _city_of(hit: dict) -> str | None:
    if hit["kind"] == "city":
        return hit["name"]
    if hit["kind"] == "county":
        return (hit.get("attrs") or {}).get("city")
    return None


def first_arrivals(hits: list[dict], home_city: str) -> list[dict]:
    """Each place of a trace once, at its first arrival.

    Args:
        hits: a trace's hits as dicts (``geodata.analysis.Trace.to_dict()["hits"]``),
            ordered by distance along the river.
        home_city: the home city's name (许昌市): a county or city of it met after the
            water has left it is a re-entry (回流入境).

    Returns:
        Copies of the first hit of every (kind, name), in the same order, each with
        ``reentry`` (True for a place of the home city reached after leaving it).
    """
    seen, rows, left_home = set(), [], False
    for hit in hits:
        key = (hit["kind"], hit["name"])
        city = _city_of(hit)
        if city is not None and city != home_city:
            left_home = True
        if key in seen:
            continue
        seen.add(key)
        rows.append(dict(hit, reentry=hit["kind"] in _AREAS and city == home_city and left_home))
    return rows
