"""The areas the app is built from, in order: ``create_app`` walks this list (blueprints,
commands and template names are registered in this order; reminder rules, overlays and
trace additions run in it). Adding an area is its package with an ``area.py`` and one line
here (docs/architecture.md, "How to add an area")."""
from registry.agreements.area import area as agreements
from registry.api.area import area as api
from registry.auth.area import area as auth
from registry.backup.area import area as backup
from registry.drills.area import area as drills
from registry.enterprises.area import area as enterprises
from registry.incidents.area import area as incidents
from registry.jurisdictions.area import area as jurisdictions
from registry.map.area import area as map_area
from registry.plans.area import area as plans
from registry.reminders.area import area as reminders
from registry.submissions.area import area as submissions
from registry.substances.area import area as substances
from registry.web.area import area as web
from registry.workflows.area import area as workflows

AREAS = (
    auth,
    web,
    enterprises,
    plans,
    jurisdictions,
    map_area,
    reminders,
    drills,
    agreements,
    api,
    workflows,
    backup,
    submissions,
    substances,
    incidents,
)
