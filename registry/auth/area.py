"""The auth area: log-in, accounts and API tokens."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.auth import cli, views

area = Area(
    name="auth",
    blueprints=(views.bp,),
    commands=cli.COMMANDS,
    nav=(NavItem("auth.users", _nav("Users"), "admin", order=200),),
)
