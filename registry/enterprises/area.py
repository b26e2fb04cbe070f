"""The enterprises area: the register of enterprises."""

from registry import permissions
from registry.areas import Area, NavItem, nav_label as _nav
from registry.enterprises import views

area = Area(
    name="enterprises",
    blueprints=(views.bp,),
    nav=(NavItem("enterprises.index", _nav("Enterprises"), order=20),),
    template_globals={"can_register_enterprise": permissions.can_register_enterprise},
)
