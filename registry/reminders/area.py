"""The reminders area: the outbox, the plan-review rule, the reminder pages and commands."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.reminders import api, cli, plan_source, views

area = Area(
    name="reminders",
    blueprints=(views.bp,),
    api=(api,),
    commands=(cli.reminders_group,),
    reminder_sources=(plan_source.SOURCE,),
    settings_checks=(plan_source.schedule,),
    nav=(NavItem("reminders.index", _nav("Reminders"), order=90),),
)
