"""Incident fixtures: a point on 颍河 at 禹州, the Xuchang–Luohe agreement, a real SMTP sink."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.registry.agreements.payloads import luohe
from tests.registry.reminders.conftest import smtp  # noqa: F401  (a real aiosmtpd server)

YUZHOU = "411081"
XIANGCHENG = "411025"
YINGHE_AT_YUZHOU = (113.46778, 34.1575)  # a vertex of the shipped 颍河 line, in 禹州市


def ago(**delta) -> str:
    """An ISO time with zone, ``delta`` before now."""
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


def incident_payload(**overrides) -> dict:
    lon, lat = YINGHE_AT_YUZHOU
    payload = {"reported_at": ago(minutes=20), "longitude": lon, "latitude": lat,
               "medium": "water", "substance": "柴油", "quantity_t": 3.5,
               "summary": "罐车侧翻，柴油泄漏入颍河", "level": "general"}
    payload.update(overrides)
    return payload


@pytest.fixture
def luohe_agreement(admin_api):
    r = admin_api.post("/agreements", json=luohe())
    assert r.status_code == 201, r.json
    return r.json


@pytest.fixture
def officer_api(client, accounts):
    return accounts.api(client, "officer", [YUZHOU])
