"""Display names for the agreements pages (English msgids, Chinese in the area catalogue)."""
from flask_babel import lazy_gettext as _l

STATUSES = {"active": _l("In force"), "expiring": _l("Expiring soon"),
            "expired": _l("Expired")}
STATUS_BADGES = {"active": "success", "expiring": "warning", "expired": "danger"}
ROLES = {"upstream": _l("Upstream"), "downstream": _l("Downstream"), "both": _l("Upstream and downstream")}
MONITORED_BY = {"home": _l("Our side"), "counterpart": _l("Their side"), "joint": _l("Jointly")}
CALL_KINDS = {"duty_phone": _l("24-hour duty phone"), "mobile": _l("Mobile"),
              "office_phone": _l("Office phone")}
ACTIONS = {"agreement.create": _l("Agreement registered"), "agreement.amend": _l("Agreement amended"),
           "agreement.renew": _l("Agreement renewed"), "agreement.upload": _l("Signed document uploaded"),
           "agreement.contact_add": _l("Contact added"), "agreement.contact_change": _l("Contact changed"),
           "agreement.contact_remove": _l("Contact removed"),
           "agreement.contact_verify": _l("Contact verified"), "agreement.meeting": _l("Joint meeting recorded")}
FIELDS = {
    "title": _l("Agreement title"), "rivers": _l("Rivers covered"), "signed_on": _l("Signed on"),
    "term_years": _l("Term (years)"), "expires_on": _l("Expires on"), "renewal_on": _l("Renewal date"),
    "notification_triggers": _l("What triggers a notice"), "notification_channel": _l("Notification channel"),
    "notification_limit_hours": _l("Time limit (hours)"), "joint_monitoring": _l("Joint monitoring"),
    "meeting_cadence": _l("Joint meetings"), "parties": _l("Parties"), "sections": _l("Boundary sections"),
    "contacts": _l("Contact roster"), "note": _l("Note"), "file": _l("File"), "size": _l("Size"),
    "party": _l("Party"), "contact": _l("Contact"), "name": _l("Full name"),
    "section_name": _l("Section name"), "role": _l("Post"),
    "office_phone": _l("Office phone"), "duty_phone": _l("24-hour duty phone"), "mobile": _l("Mobile"),
    "email": _l("E-mail"), "verified_on": _l("Last verified on"), "held_on": _l("Held on"),
    "place": _l("Place"), "participants": _l("Participants"), "summary": _l("Summary"),
    "city_name": _l("Party city"), "city_code": _l("City code"),
    "environment_department": _l("Environment department"), "water_department": _l("Water department"),
    "river_roles": _l("Role on each river"), "river": _l("River"), "counterpart_city": _l("Counterpart city"),
    "longitude": _l("Longitude"), "latitude": _l("Latitude"), "monitored_by": _l("Monitored by"),
    "layer_key": _l("Section in the map layer"),
}


# The eight elements of 环应急〔2020〕5号.
ELEMENTS = {"cooperation": _l("Cooperation mechanism"), "risk_warning": _l("Risk assessment and warning"),
            "interception": _l("Pollution interception"), "notification": _l("Information notification"),
            "joint_monitoring": _l("Joint monitoring"), "joint_response": _l("Joint response"),
            "dispute_resolution": _l("Dispute resolution"), "support": _l("Emergency support and joint drills")}


def context() -> dict:
    return {"A_STATUSES": STATUSES, "A_STATUS_BADGES": STATUS_BADGES, "A_ROLES": ROLES,
            "A_MONITORED_BY": MONITORED_BY, "A_CALL_KINDS": CALL_KINDS, "A_ACTIONS": ACTIONS,
            "A_FIELDS": FIELDS, "A_ELEMENTS": ELEMENTS}
