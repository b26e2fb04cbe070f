"""The enterprises area: the register of enterprises."""
from flask_babel import lazy_gettext as _l

from registry import permissions
from registry.areas import Area, NavItem
from registry.enterprises import views

area = Area(
    name="enterprises",
    blueprints=(views.bp,),
    nav=(NavItem("enterprises.index", _l("Enterprises"), order=20),),
    template_globals={"can_register_enterprise": permissions.can_register_enterprise},
)
