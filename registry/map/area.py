"""The map area: the risk map, its layers and the downstream trace."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.map import cli, views

area = Area(
    name="map",
    blueprints=(views.bp,),
    commands=(cli.geodata_group,),
    nav=(NavItem("map.index", _nav("Map"), order=40),),
)
