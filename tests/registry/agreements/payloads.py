"""Real-shaped agreement payloads (Xuchang and its downstream neighbour Luohe)."""
from __future__ import annotations

import copy

XUCHANG_COUNTIES = ["411002", "411003", "411024", "411025", "411081", "411082"]

LUOHE = {
    "title": "许昌市—漯河市跨界突发水污染事件联防联控协议",
    "rivers": ["颍河", "清潩河"],
    "signed_on": "2024-03-18",
    "term_years": 5,
    "renewal_on": "2028-12-01",
    "notification_triggers": "交界断面水质异常；上游发生可能影响下游水质的突发环境事件",
    "notification_channel": "值班电话先行通报，随后书面传真",
    "notification_limit_hours": 1,
    "joint_monitoring": "交界断面每月联合采样，数据每日共享",
    "meeting_cadence": "每年一次联席会议",
    "parties": [{
        "city_name": "漯河市", "city_code": "411100",
        "environment_department": "漯河市生态环境局", "water_department": "漯河市水利局",
        "river_roles": [{"river": "颍河", "role": "downstream"}, {"river": "清潩河", "role": "downstream"}],
        "contacts": [
            {"name": "李建国", "role": "应急管理科科长", "office_phone": "0395-3100120",
             "duty_phone": "0395-3100110", "mobile": "13803950101", "email": "lhyj@example.com",
             "verified_on": "2026-05-20"},
            {"name": "赵红", "role": "监测站站长", "office_phone": "0395-3100130",
             "mobile": "13903950102", "email": "lhjc@example.com", "verified_on": "2025-10-01"},
        ]}],
    "sections": [
        {"name": "颍河许昌—漯河交界断面", "river": "颍河", "counterpart_city": "漯河市",
         "longitude": 113.761324, "latitude": 33.873972, "monitored_by": "joint",
         "layer_key": "颍河建安区—临颍县出境断面（示例）"},
        {"name": "清潩河许昌—漯河交界断面", "river": "清潩河", "counterpart_city": "漯河市",
         "longitude": 113.874676, "latitude": 33.950578, "monitored_by": "home"},
    ],
}

ZHOUKOU = {
    "title": "许昌市—周口市上下游突发水污染事件联防联控协议",
    "rivers": ["颍河", "双洎河"],
    "signed_on": "2025-01-10",
    "expires_on": "2029-12-31",
    "notification_triggers": "发生或可能发生跨界突发水污染事件",
    "notification_channel": "电话通报",
    "parties": [{
        "city_name": "周口市", "environment_department": "周口市生态环境局",
        "river_roles": [{"river": "颍河", "role": "downstream"}, {"river": "双洎河", "role": "downstream"}],
        "contacts": [
            {"name": "王立新", "role": "应急办主任", "mobile": "13703940201", "verified_on": "2026-06-01"},
            {"name": "孙敏", "role": "扶沟分局局长", "duty_phone": "0394-6200119",
             "verified_on": "2026-06-01"}]}],
    "sections": [
        {"name": "双洎河鄢陵—扶沟交界断面", "river": "双洎河", "counterpart_city": "周口市",
         "longitude": 114.269032, "latitude": 34.11255, "monitored_by": "joint",
         "layer_key": "双洎河鄢陵县—扶沟县出境断面（示例）"}],
}


def luohe(**overrides) -> dict:
    payload = copy.deepcopy(LUOHE)
    payload.update(overrides)
    return payload


def zhoukou(**overrides) -> dict:
    payload = copy.deepcopy(ZHOUKOU)
    payload.update(overrides)
    return payload
