"""The incidents area: incident mode (平战结合) — incidents traced downstream, the
notifications and reports they owe, the timeline, the duty roster, emergency resources."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.incidents import api, cli, exports, labels, map, portal, views

area = Area(
    name="incidents",
    blueprints=(views.bp, portal.bp),
    api=(api,),
    commands=(cli.resources_group,),
    map_overlays=(map.incidents_overlay, map.resources_overlay),
    exports=(exports.RESOURCES,),
    choice_labels={"kind": labels.RESOURCE_KINDS},
    template_globals={**labels.GLOBALS, "enterprise_resources": views.enterprise_resources},
    nav=(NavItem("incidents.index", _nav("Incidents"), order=45),),
)
