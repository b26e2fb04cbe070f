"""Display names for incident mode (English msgids, Chinese in the area catalogue)."""
from flask_babel import lazy_gettext as _l

LEVELS = {"general": _l("General (IV)"), "major": _l("Larger (III)"),
          "serious": _l("Major (II)"), "especially_serious": _l("Especially major (I)")}
LEVEL_BADGES = {"general": "info", "major": "warning", "serious": "danger",
                "especially_serious": "dark"}
MEDIA = {"water": _l("Water"), "air": _l("Air"), "soil": _l("Soil")}
CHANNELS = {"hotline": _l("12369 hotline"), "enterprise": _l("Enterprise report"),
            "patrol": _l("Patrol"), "monitoring": _l("Monitoring alarm"), "other": _l("Other")}
NOTIFY_CHANNELS = {"email": _l("E-mail"), "phone": _l("Phone call"), "fax": _l("Fax")}
STAGES = {"initial": _l("Initial report"), "followup": _l("Follow-up report"),
          "final": _l("Final report")}
STATUSES = {"open": _l("Open"), "closed": _l("Closed")}
RESOURCE_KINDS = {"material": _l("Material"), "equipment": _l("Equipment"), "team": _l("Team"),
                  "expert": _l("Expert")}
CATEGORIES = {"plan": _l("Plan"), "organisation": _l("Organisation"), "equipment": _l("Equipment"),
              "training": _l("Training"), "coordination": _l("Coordination")}
EVENT_KINDS = {"report": _l("Reported"), "notification": _l("Notification"),
               "report_issued": _l("Report issued"), "measure": _l("Measure"),
               "level": _l("Level change"), "close": _l("Closed")}
HIT_KINDS = {"drinking_water_intake": _l("Drinking-water intake"), "section": _l("Section"),
             "county": _l("County"), "city": _l("City"), "confluence": _l("Confluence"),
             "crossing": _l("Crossing")}

GLOBALS = {"INCIDENT_LEVELS": LEVELS, "INCIDENT_LEVEL_BADGES": LEVEL_BADGES,
           "INCIDENT_MEDIA": MEDIA, "INCIDENT_CHANNELS": CHANNELS,
           "INCIDENT_NOTIFY_CHANNELS": NOTIFY_CHANNELS, "INCIDENT_STAGES": STAGES,
           "INCIDENT_STATUSES": STATUSES, "RESOURCE_KINDS": RESOURCE_KINDS,
           "INCIDENT_CATEGORIES": CATEGORIES, "INCIDENT_EVENT_KINDS": EVENT_KINDS,
           "INCIDENT_HIT_KINDS": HIT_KINDS}
