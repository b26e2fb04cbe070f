"""The map area: the risk map, its layers and the downstream trace."""
from flask_babel import lazy_gettext as _l

from registry.areas import Area, NavItem
from registry.map import cli, views

area = Area(
    name="map",
    blueprints=(views.bp,),
    commands=(cli.geodata_group,),
    nav=(NavItem("map.index", _l("Risk map"), order=40),),
)
