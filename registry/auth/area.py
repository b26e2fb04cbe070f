"""The auth area: log-in, accounts and API tokens."""
from flask_babel import lazy_gettext as _l

from registry.areas import Area, NavItem
from registry.auth import cli, views

area = Area(
    name="auth",
    blueprints=(views.bp,),
    commands=cli.COMMANDS,
    nav=(NavItem("auth.users", _l("Users"), "admin", order=200),),
)
