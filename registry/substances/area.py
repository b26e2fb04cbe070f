"""The substances area (issue #20): the HJ 941-2018 risk-substance table and each
enterprise's risk inventory, from which the grade is computed."""
from flask_babel import lazy_gettext as _l

from registry.areas import Area, NavItem
from registry.substances import api, cli, views

area = Area(
    name="substances",
    blueprints=(views.bp,),
    api=(api,),
    commands=(cli.substances_group,),
    nav=(NavItem("substances.index", _l("Risk substances"), order=75),),
)
