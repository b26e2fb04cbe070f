"""The agreements area: upstream–downstream joint prevention agreements (联防联控协议)."""

from registry.agreements import annual, api, exports, maplayer, panel, reminders, sheet, views
from registry.areas import Area, NavItem, nav_label as _nav

area = Area(
    name="agreements",
    blueprints=(views.bp,),
    api=(api,),
    reminder_sources=(reminders.SOURCE, reminders.STALE_SOURCE),
    settings_checks=(reminders.schedule,),
    map_overlays=(maplayer.map_overlay,),
    downstream_extensions=(sheet.trace_extension,),
    dashboard_panels=(panel.PANEL,),
    exports=(exports.AGREEMENTS,),
    annual_sections=(annual.SECTION,),
    nav=(NavItem("agreements.index", _nav("Agreements"), order=80),),
)
