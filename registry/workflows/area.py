"""The workflows area: import, export, the dashboard and the annual figures."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.workflows import annual, annual_api, annual_views, cli, export_specs, permissions, views

area = Area(
    name="workflows",
    blueprints=(views.bp, annual_views.bp),
    api=(annual_api,),
    commands=(cli.import_command,),
    exports=(export_specs.ENTERPRISES, export_specs.PLANS),
    annual_sections=(annual.PLANS_SECTION,),
    nav=(NavItem("annual.index", _nav("Annual"), order=100),),
    template_globals={"export_spec": export_specs.spec_named, "can_import": permissions.can_import,
                      "IMPORT_OUTCOMES": views.IMPORT_OUTCOMES},
)
