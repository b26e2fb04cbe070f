"""The jurisdictions area: the city and its counties."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.jurisdictions import views

area = Area(
    name="jurisdictions",
    blueprints=(views.bp,),
    nav=(NavItem("jurisdictions.index", _nav("Counties"), order=70),),
)
