"""The plans area: filing, revision and correction of contingency plans."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.plans import calendar_reminder, cli, views

area = Area(
    name="plans",
    blueprints=(views.bp,),
    commands=(cli.recompute_deadlines_command,),
    reminder_sources=(calendar_reminder.SOURCE,),
    nav=(NavItem("plans.index", _nav("Plans"), order=30),),
)
