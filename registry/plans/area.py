"""The plans area: filing, revision and correction of contingency plans."""
from flask_babel import lazy_gettext as _l

from registry.areas import Area, NavItem
from registry.plans import calendar_reminder, cli, views

area = Area(
    name="plans",
    blueprints=(views.bp,),
    commands=(cli.recompute_deadlines_command,),
    reminder_sources=(calendar_reminder.SOURCE,),
    nav=(NavItem("plans.index", _l("Plans"), order=30),),
)
