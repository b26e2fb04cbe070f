"""The incidents area: incident mode (平战结合) — incidents traced downstream, the
notifications and reports they owe, the timeline, the duty roster, emergency resources."""
from flask_babel import lazy_gettext as _l

from registry.areas import Area, NavItem
from registry.incidents import api, exports, labels, views

area = Area(
    name="incidents",
    blueprints=(views.bp,),
    api=(api,),
    exports=(exports.RESOURCES,),
    template_globals=labels.GLOBALS,
    nav=(NavItem("incidents.index", _l("Incidents"), order=45),),
)
