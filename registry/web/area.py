"""The web area: the core's pages and labels, the demo and scheduler commands."""

from registry import cli
from registry.areas import Area, NavItem, nav_label as _nav
from registry.web import labels, views

area = Area(
    name="web",
    blueprints=(views.bp,),
    commands=cli.COMMANDS,
    choice_labels=labels.CHOICE_LABELS,
    field_labels=labels.FIELDS,
    nav=(NavItem("web.index", _nav("Home"), order=10),),
    template_globals=labels.template_globals(),
    template_context=(labels.settings_context,),
)
