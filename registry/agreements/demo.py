"""Demo agreements (演示数据): Xuchang's three agreements with Luohe, Zhoukou and
Pingdingshan on the rivers that connect them (domain.md §6–7). The texts are not public:
titles, contacts and numbers are invented and marked as demo; sections point at the demo
features of the map's sections layer (``layer_key``).

All three were signed in 2023, as the seed report says (so the 2023 annual figures name
the three cities); their expiry dates are set from today so the register shows one of
each status: expiring (Luohe, renewal talks scheduled), in force (Zhoukou), expired
(Pingdingshan)."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from registry.agreements.roster import add_meeting
from registry.agreements.schemas import AgreementIn, MeetingIn
from registry.agreements.service import create_agreement

DEMO = "（演示）"
SIGNED = {"漯河市": date(2023, 3, 16), "周口市": date(2023, 6, 8), "平顶山市": date(2023, 9, 21)}
TRIGGERS = ("发生或可能发生跨界突发水污染事件；交界断面水质监测数据异常；上游发生危险化学品"
            "泄漏、火灾爆炸等可能影响下游水质的事故")


def _contact(name, role, duty, office, mobile, email, verified):
    return {"name": name + DEMO, "role": role, "duty_phone": duty, "office_phone": office,
            "mobile": mobile, "email": email, "verified_on": verified}


def _agreements(today: date) -> list[dict]:
    ago = lambda **kw: today - relativedelta(**kw)  # noqa: E731
    return [
        {"title": "许昌市—漯河市跨界突发水污染事件联防联控协议" + DEMO,
         "rivers": ["颍河", "清潩河", "北汝河", "沙河"],
         # Runs out in 40 days: shows as expiring, renewal talks scheduled.
         "signed_on": SIGNED["漯河市"], "expires_on": today + relativedelta(days=40),
         "renewal_on": today + relativedelta(days=20),
         "notification_triggers": TRIGGERS, "notification_channel": "值班电话先行通报，2小时内书面传真确认",
         "notification_limit_hours": 1,
         "joint_monitoring": "颍河、清潩河、北汝河出境断面每月联合采样一次，数据每日共享；事件期间加密至每2小时一次",
         "meeting_cadence": "每年召开一次联席会议，双方轮流承办",
         "parties": [{"city_name": "漯河市", "city_code": "411100",
                      "environment_department": "漯河市生态环境局", "water_department": "漯河市水利局",
                      # 颍河 and 清潩河 leave 许昌 into 临颍 and come back into 鄢陵.
                      "river_roles": [{"river": r, "role": "both"} for r in ("颍河", "清潩河")]
                      + [{"river": r, "role": "downstream"} for r in ("北汝河", "沙河")],
                      "contacts": [
                          _contact("李建国", "应急管理科科长", "0395-3100110", "0395-3100120", "13803950101",
                                   "lhyj@example.com", ago(months=2)),
                          _contact("赵红", "监测站站长", None, "0395-3100130", "13903950102",
                                   "lhjc@example.com", ago(months=8))]}],
         "sections": [
             {"name": "颍河许昌—漯河交界断面" + DEMO, "river": "颍河", "counterpart_city": "漯河市",
              "longitude": 113.761324, "latitude": 33.873972, "monitored_by": "joint",
              "layer_key": "颍河建安区—临颍县出境断面（示例）"},
             {"name": "清潩河许昌—漯河交界断面" + DEMO, "river": "清潩河", "counterpart_city": "漯河市",
              "longitude": 113.921624, "latitude": 33.955846, "monitored_by": "home",
              "layer_key": "清潩河建安区—临颍县出境断面（示例）"},
             {"name": "北汝河襄城—舞阳交界断面" + DEMO, "river": "北汝河", "counterpart_city": "漯河市",
              "longitude": 113.64406, "latitude": 33.69859, "monitored_by": "counterpart",
              "layer_key": "北汝河襄城县—舞阳县出境断面（示例）"},
             {"name": "沙河襄城—舞阳交界断面" + DEMO, "river": "沙河", "counterpart_city": "漯河市",
              "longitude": 113.627356, "latitude": 33.69201, "monitored_by": "joint",
              "layer_key": "沙河襄城县—舞阳县出境断面（示例）"}]},
        {"title": "许昌市—周口市上下游突发水污染事件联防联控协议" + DEMO,
         "rivers": ["颍河", "双洎河"],
         "signed_on": SIGNED["周口市"], "term_years": 5,
         "notification_triggers": TRIGGERS, "notification_channel": "电话通报，随后以传真或电子政务邮件书面报告",
         "notification_limit_hours": 2,
         "joint_monitoring": "颍河鄢陵—西华、双洎河鄢陵—扶沟交界断面由双方各自监测，每周交换数据",
         "meeting_cadence": "每半年召开一次联络员会议",
         "parties": [{"city_name": "周口市", "city_code": "411600",
                      "environment_department": "周口市生态环境局", "water_department": "周口市水利局",
                      "river_roles": [{"river": "颍河", "role": "downstream"},
                                      {"river": "双洎河", "role": "downstream"}],
                      "contacts": [
                          _contact("王立新", "应急办主任", "0394-8200110", "0394-8200111", "13703940201",
                                   "zkyj@example.com", ago(months=1)),
                          _contact("孙敏", "扶沟分局局长", "0394-6200119", None, "13603940202",
                                   "fgfj@example.com", ago(months=3))]}],
         "sections": [
             {"name": "颍河鄢陵—西华交界断面" + DEMO, "river": "颍河", "counterpart_city": "周口市",
              "longitude": 114.306036, "latitude": 33.795535, "monitored_by": "joint",
              "layer_key": "颍河鄢陵县—西华县出境断面（示例）"},
             {"name": "双洎河鄢陵—扶沟交界断面" + DEMO, "river": "双洎河", "counterpart_city": "周口市",
              "longitude": 114.269032, "latitude": 34.11255, "monitored_by": "joint",
              "layer_key": "双洎河鄢陵县—扶沟县出境断面（示例）"}]},
        {"title": "平顶山市—许昌市北汝河上下游突发水污染事件联防联控协议" + DEMO,
         "rivers": ["北汝河"],
         # Ran out four months ago: shows as expired.
         "signed_on": SIGNED["平顶山市"], "expires_on": ago(months=4),
         "notification_triggers": TRIGGERS, "notification_channel": "值班电话通报",
         "notification_limit_hours": None,
         "joint_monitoring": "北汝河郏县—襄城交界断面由平顶山市监测，异常时即时通报许昌市",
         "meeting_cadence": "每年一次",
         "parties": [{"city_name": "平顶山市", "city_code": "410400",
                      "environment_department": "平顶山市生态环境局", "water_department": "平顶山市水利局",
                      "river_roles": [{"river": "北汝河", "role": "upstream"}],
                      "contacts": [
                          _contact("陈刚", "应急管理科科长", "0375-2600110", "0375-2600112", "13503750301",
                                   "pdsyj@example.com", ago(months=10))]}],
         "sections": [
             {"name": "北汝河郏县—襄城交界断面" + DEMO, "river": "北汝河", "counterpart_city": "平顶山市",
              "longitude": 113.365329, "latitude": 33.900613, "monitored_by": "counterpart",
              "layer_key": "北汝河襄城县—郏县入境断面（示例）"}]},
    ]


def load_demo_agreements(actor, today: date) -> int:
    """Add the three demo agreements (and a joint meeting each) to the current unit of
    work; the caller commits. Returns how many were added."""
    made = []
    for payload in _agreements(today):
        agreement = create_agreement(actor, AgreementIn.model_validate(payload))
        add_meeting(actor, agreement.id, MeetingIn(
            held_on=today - relativedelta(months=4), place=f"{payload['parties'][0]['city_name']}生态环境局会议室",
            participants=f"许昌市生态环境局、{payload['parties'][0]['environment_department']}",
            summary="通报年度跨界断面水质，核对应急通讯录，商定联合演练安排" + DEMO))
        made.append(agreement)
    return len(made)
