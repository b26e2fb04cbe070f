"""Display names of drill codes, in the user's language (officialese, domain.md §1, §5)."""
from flask_babel import lazy_gettext as _l

ORGANISER_LEVELS = {"enterprise": _l("Enterprise"), "county": _l("County level"),
                    "city": _l("City level"), "joint": _l("Joint (several cities)")}
CONTENT_TYPES = {"comprehensive": _l("Comprehensive"), "single": _l("Single-function")}
FORM_TYPES = {"live": _l("Live"), "tabletop": _l("Tabletop")}
LEGACY_TYPES = {"tabletop": _l("Tabletop exercise"), "functional": _l("Functional exercise"),
                "full_scale": _l("Full-scale exercise")}
THEMES = {"environmental": _l("Environmental emergency"),
          "counter_terrorism": _l("Counter-terrorism"),
          "heavy_pollution_weather": _l("Heavy-pollution weather"),
          "water_pollution": _l("Water pollution"),
          "hazardous_chemicals": _l("Hazardous-chemical leak"), "other": _l("Other")}
PATHWAYS = {"air": _l("Air"), "water": _l("Water"), "both": _l("Air and water")}
CATEGORIES = {"plan": _l("Plan"), "organisation": _l("Organisation and command"),
              "equipment": _l("Equipment and supplies"), "training": _l("Training"),
              "coordination": _l("Coordination")}
ACTION_STATUSES = {"open": _l("Open"), "in_progress": _l("In progress"),
                   "done": _l("Done, awaiting verification"), "verified": _l("Verified")}
ACTION_BADGES = {"open": "danger", "in_progress": "warning", "done": "info",
                 "verified": "success"}
# Button text for moving an action to a status.
TRANSITION_LABELS = {"open": _l("Back to open"), "in_progress": _l("Start work"),
                     "done": _l("Mark done"), "verified": _l("Verify")}
DRILL_STATUSES = {"open": _l("Not closed"), "closed": _l("Closed")}
ATTACHMENT_KINDS = {"report": _l("Evaluation report"), "photo": _l("Photo"),
                    "evidence": _l("Evidence"), "other": _l("Other")}


def type_label(content_type, form_type, legacy_type) -> str:
    """综合实战 / 单项桌面 … or the older label."""
    if content_type and form_type:
        return f"{CONTENT_TYPES[content_type]}·{FORM_TYPES[form_type]}"
    if legacy_type:
        return str(LEGACY_TYPES[legacy_type])
    return "—"


def type_key_label(key: str) -> str:
    if key.startswith("legacy_"):
        return str(LEGACY_TYPES.get(key.removeprefix("legacy_"), key))
    content, _sep, form = key.partition("_")
    if content in CONTENT_TYPES and form in FORM_TYPES:
        return f"{CONTENT_TYPES[content]}·{FORM_TYPES[form]}"
    return key


GLOBALS = {"DRILL_LEVELS": ORGANISER_LEVELS, "DRILL_CONTENT": CONTENT_TYPES,
           "DRILL_FORMS": FORM_TYPES, "DRILL_LEGACY": LEGACY_TYPES, "DRILL_THEMES": THEMES,
           "DRILL_PATHWAYS": PATHWAYS, "ACTION_CATEGORIES": CATEGORIES,
           "ACTION_STATUSES": ACTION_STATUSES, "ACTION_BADGES": ACTION_BADGES,
           "TRANSITION_LABELS": TRANSITION_LABELS, "DRILL_STATUSES": DRILL_STATUSES,
           "ATTACHMENT_KINDS": ATTACHMENT_KINDS, "drill_type_label": type_label,
           "drill_type_key_label": type_key_label}


# Coded values in drill and action histories (``registry.web.labels.audit_value``); a
# drill's status and an action's have different codes, hence "<entity type>.status".
AUDIT_VALUES = {"organiser_level": ORGANISER_LEVELS, "content_type": CONTENT_TYPES,
                "form_type": FORM_TYPES, "legacy_type": LEGACY_TYPES, "theme": THEMES,
                "scenario_pathway": PATHWAYS, "category": CATEGORIES,
                "drill.status": DRILL_STATUSES, "action.status": ACTION_STATUSES}
# Names of drill fields the core's field names lack.
AUDIT_FIELDS = {"organiser_level": _l("Organiser level"), "organiser": _l("Organising body"),
                "place": _l("Place"), "duration_hours": _l("Duration (hours)"),
                "content_type": _l("By content"), "form_type": _l("By form"),
                "legacy_type": _l("Older label"), "scenario_substance": _l("Scenario substance"),
                "scenario_pathway": _l("Pathway"),
                "participating_bodies": _l("Participating bodies"),
                "drill.title": _l("Drill title"), "action.owner_user_id": _l("Owner's account"),
                "action.plan_id": _l("Plan to revise"), "drill.agreement_id": _l("Agreement")}
