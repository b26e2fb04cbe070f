"""The drills area: drills, corrective actions (整改) and the drill schedule."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.drills import (action_reminders, annual, api, drill_due_reminders, exports,
                             labels, map, panel, plan_links, rules, serialise, views)

area = Area(
    name="drills",
    blueprints=(views.bp,),
    api=(api,),
    reminder_sources=(action_reminders.SOURCE, drill_due_reminders.SOURCE),
    settings_checks=(action_reminders.schedule, drill_due_reminders.schedule),
    map_overlays=(map.map_overlay,),
    dashboard_panels=(panel.PANEL,),
    exports=(exports.DRILLS, exports.ACTIONS),
    annual_sections=(annual.DRILLS, annual.ACTIONS),
    audit_values=labels.AUDIT_VALUES,
    field_labels=labels.AUDIT_FIELDS,
    nav=(NavItem("drills.index", _nav("Drills"), order=50),
         NavItem("drills.improvement_plan", _nav("Actions"), order=60)),
    template_globals={**labels.GLOBALS, "drill_revision_sources": plan_links.revision_sources,
                      "enterprise_drills": views.enterprise_drills,
                      "action_overdue": rules.action_overdue,
                      "action_origin": serialise.action_origin},
)
