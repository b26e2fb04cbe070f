"""The substances area (issue #20): the HJ 941-2018 risk-substance table and each
enterprise's risk inventory, from which the grade is computed."""
from flask_babel import lazy_gettext as _l

from registry.areas import Area, NavItem, nav_label as _nav
from registry.substances import api, cli, exports, register_sheet, views

area = Area(
    name="substances",
    blueprints=(views.bp,),
    api=(api,),
    commands=(cli.substances_group,),
    exports=(exports.RISK_SUBSTANCES,),
    register_sheets=(register_sheet.SHEET,),
    nav=(NavItem("substances.index", _nav("Substances"), order=75),),
    template_globals={"inventory_field_label": views.field_label},
    field_labels={
        "enterprise.substances": _l("Risk substances"), "enterprise.air": _l("air"),
        "enterprise.water": _l("water"),
        "enterprise.penalised": _l("Penalised in the last 3 years"),
        "enterprise.level": _l("Computed level"), "enterprise.notation": _l("Computed notation"),
        "substance.name": _l("Name"), "substance.cas": _l("CAS number"),
        "substance.aliases": _l("Aliases"),
        "substance.critical_quantity_t": _l("Critical quantity (t)"),
        "substance.counts_air": _l("Counts in air"), "substance.counts_water": _l("Counts in water"),
        "substance.part": _l("Part"), "substance.category": _l("Hazard category"),
        "substance.source": _l("Source"),
    },
)
