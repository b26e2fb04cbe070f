"""The jurisdictions area: the city and its counties."""
from flask_babel import lazy_gettext as _l

from registry.areas import Area, NavItem
from registry.jurisdictions import views

area = Area(
    name="jurisdictions",
    blueprints=(views.bp,),
    nav=(NavItem("jurisdictions.index", _l("Jurisdictions"), order=70),),
)
