"""Areas: each package of the app declares once what it adds (docs/architecture.md, "How to
add an area").

An area package has a module ``area.py`` holding ``area = Area(...)`` with the real objects
(blueprints, commands, reminder sources, panels …), and one line in
``registry/installed.py:AREAS``. ``create_app`` walks that list, checks every declaration
(a wrong or misspelled piece stops start-up with a message naming the area) and keeps the
merged registries in ``app.extensions["registry.areas"]`` (:class:`Registry`); the core
reads them from there through :func:`registry`, never from module globals.
"""
from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import click
from flask import Blueprint, Flask, current_app
from flask_babel import lazy_pgettext

EXTENSION = "registry.areas"


class AreaError(RuntimeError):
    """An area declaration that cannot work; raised by ``create_app`` at start-up."""


def nav_label(text: str):
    """A header entry's label: the short English word, in context ``nav`` (the header
    must fit one line at 1366 px in English too; pages keep their full titles)."""
    return lazy_pgettext("nav", text)


@dataclass(frozen=True)
class NavItem:
    """An entry of the header navigation: an endpoint, its label, who sees it ("all" or a
    role), and its place (lower comes first)."""

    endpoint: str
    label: Any
    who: str = "all"
    order: int = 100


@dataclass(frozen=True)
class Area:
    """What one package adds to the app. Every field holds real objects, not names.

    * ``blueprints``: Flask blueprints, registered in ``AREAS`` order.
    * ``api``: the modules that add operations to the API blueprint (``registry.api.bp``
      with ``registry.api.routing.operation``); listing them is what imports them.
    * ``commands``: click commands and groups for ``flask --app registry …`` (top-level,
      under their own names).
    * ``reminder_sources``: ``registry.reminders.sources.ReminderSource`` objects.
    * ``map_overlays``: functions ``(actor) -> dict`` in the shape of
      ``geodata.maps.build_risk_map(extras=...)``.
    * ``downstream_extensions``: functions ``(trace dict) -> dict`` of extra keys for a
      downstream trace.
    * ``dashboard_panels``: ``registry.workflows.dashboard.Panel`` objects.
    * ``exports``: ``registry.workflows.exports.ExportSpec`` objects (/export/<name>.<fmt>).
    * ``annual_sections``: ``registry.workflows.annual.Section`` objects.
    * ``register_sheets``: ``registry.workflows.sheets.RegisterSheet`` objects: further
      worksheets of the enterprise register that the import reads, the template and the
      enterprises export write.
    * ``audit_values``: code → label tables by field or ``"<entity>.<field>"``: coded values
      in change histories, and the labels naming a refused choice.
    * ``choice_labels``: further code → label tables by field for a refused choice only.
    * ``field_labels``: names of fields in change records (``FIELDS``); the first area to
      name a field wins.
    * ``nav``: :class:`NavItem` entries of the header navigation.
    * ``template_globals``: names for every template (globals, so imported macros see them).
    * ``template_context``: context processors (functions returning a dict) for every page.
    * ``settings_checks``: functions ``(config) -> anything`` run once by ``create_app``;
      each raises ValueError, its message starting with the variable's name, for a value
      the area cannot use (``registry.settings``).
    """

    name: str
    blueprints: tuple = ()
    api: tuple = ()
    commands: tuple = ()
    reminder_sources: tuple = ()
    map_overlays: tuple = ()
    downstream_extensions: tuple = ()
    dashboard_panels: tuple = ()
    exports: tuple = ()
    annual_sections: tuple = ()
    register_sheets: tuple = ()
    audit_values: Mapping[str, Mapping] = field(default_factory=dict)
    choice_labels: Mapping[str, Mapping] = field(default_factory=dict)
    field_labels: Mapping[str, Any] = field(default_factory=dict)
    nav: tuple = ()
    template_globals: Mapping[str, Any] = field(default_factory=dict)
    template_context: tuple = ()
    settings_checks: tuple = ()


@dataclass
class Registry:
    """Every area's contributions, merged, for one app (``app.extensions[EXTENSION]``)."""

    areas: list[Area] = field(default_factory=list)
    reminder_sources: list = field(default_factory=list)
    map_overlays: list[Callable] = field(default_factory=list)
    downstream_extensions: list[Callable] = field(default_factory=list)
    dashboard_panels: dict = field(default_factory=dict)
    exports: dict = field(default_factory=dict)
    annual_sections: dict = field(default_factory=dict)
    register_sheets: dict = field(default_factory=dict)
    audit_values: dict[str, Mapping] = field(default_factory=dict)
    choice_labels: dict[str, Mapping] = field(default_factory=dict)
    field_labels: dict[str, Any] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    settings_checks: list[Callable] = field(default_factory=list)

    def source_for(self, rule: str):
        return next((s for s in self.reminder_sources if s.rule == rule), None)

    def choice_tables(self, field_name: str) -> list[Mapping]:
        """The tables that may label ``field_name``'s codes: the choice tables, then the
        audit tables keyed by the field or by ``<entity>.<field>``."""
        tables = [self.choice_labels[field_name]] if field_name in self.choice_labels else []
        tables += [labels for key, labels in self.audit_values.items()
                   if key == field_name or key.endswith("." + field_name)]
        return tables


def registry(app: Flask | None = None) -> Registry:
    """The current (or given) app's area registry."""
    return (app or current_app).extensions[EXTENSION]


def _kinds() -> dict[str, tuple[type, ...] | None]:
    """The type each sequence field's items must have (None: a callable)."""
    from registry.reminders.sources import ReminderSource
    from registry.workflows.annual import Section
    from registry.workflows.dashboard import Panel
    from registry.workflows.exports import ExportSpec
    from registry.workflows.sheets import RegisterSheet

    return {"blueprints": (Blueprint,), "api": (types.ModuleType,),
            "commands": (click.Command,), "reminder_sources": (ReminderSource,),
            "map_overlays": None, "downstream_extensions": None, "dashboard_panels": (Panel,),
            "exports": (ExportSpec,), "annual_sections": (Section,),
            "register_sheets": (RegisterSheet,), "nav": (NavItem,),
            "template_context": None, "settings_checks": None}


def _check(area: Any, kinds: Mapping) -> None:
    if not isinstance(area, Area):
        raise AreaError(f"AREAS holds {area!r}, not an Area (declare `area = Area(...)` in "
                        f"the package's area.py and list that object)")
    if not area.name or not isinstance(area.name, str):
        raise AreaError(f"an area has no name: {area!r}")
    for name, kind in kinds.items():
        value = getattr(area, name)
        if not isinstance(value, (tuple, list)):
            raise AreaError(f"area {area.name!r}: {name} must be a tuple, not "
                            f"{type(value).__name__}")
        for i, item in enumerate(value):
            if isinstance(item, str):
                raise AreaError(f"area {area.name!r}: {name}[{i}] is the string {item!r}; "
                                f"declare the object itself, not its name")
            if kind is None and not callable(item):
                raise AreaError(f"area {area.name!r}: {name}[{i}] ({item!r}) is not callable")
            if kind is not None and not isinstance(item, kind):
                raise AreaError(f"area {area.name!r}: {name}[{i}] is a "
                                f"{type(item).__name__}, expected a "
                                f"{' or '.join(k.__name__ for k in kind)}")
    for name in ("audit_values", "choice_labels", "field_labels", "template_globals"):
        value = getattr(area, name)
        if not isinstance(value, Mapping):
            raise AreaError(f"area {area.name!r}: {name} must be a mapping, not "
                            f"{type(value).__name__}")
    for key, table in (*area.audit_values.items(), *area.choice_labels.items()):
        if not isinstance(table, Mapping):
            raise AreaError(f"area {area.name!r}: the labels of {key!r} must be a mapping "
                            f"(code -> label), not {type(table).__name__}")


def _add_unique(target: dict, key: str, item, area: Area, what: str, owners: dict) -> None:
    if key in target:
        raise AreaError(f"area {area.name!r}: {what} {key!r} is already declared by area "
                        f"{owners[(what, key)]!r}")
    target[key] = item
    owners[(what, key)] = area.name


def build(areas: Iterable[Area]) -> Registry:
    """Check every area and merge their declarations; raises :class:`AreaError` naming the
    area at fault."""
    kinds = _kinds()
    reg = Registry()
    owners: dict = {}
    names: set[str] = set()
    for area in areas:
        _check(area, kinds)
        if area.name in names:
            raise AreaError(f"area {area.name!r} is listed twice in AREAS")
        names.add(area.name)
        reg.areas.append(area)
        for source in area.reminder_sources:
            if reg.source_for(source.rule) is not None:
                raise AreaError(f"area {area.name!r}: reminder rule {source.rule!r} is "
                                f"already declared by area {owners[('rule', source.rule)]!r}")
            owners[("rule", source.rule)] = area.name
            reg.reminder_sources.append(source)
        reg.map_overlays += area.map_overlays
        reg.downstream_extensions += area.downstream_extensions
        for panel in area.dashboard_panels:
            _add_unique(reg.dashboard_panels, panel.key, panel, area, "dashboard panel", owners)
        for spec in area.exports:
            _add_unique(reg.exports, spec.name, spec, area, "export", owners)
        for section in area.annual_sections:
            _add_unique(reg.annual_sections, section.key, section, area, "annual section",
                        owners)
        for sheet in area.register_sheets:
            _add_unique(reg.register_sheets, sheet.key, sheet, area, "register sheet", owners)
        for key, table in area.audit_values.items():
            _add_unique(reg.audit_values, key, table, area, "audit labels of", owners)
        for key, table in area.choice_labels.items():
            _add_unique(reg.choice_labels, key, table, area, "choice labels of", owners)
        for key, label in area.field_labels.items():
            reg.field_labels.setdefault(key, label)
        reg.nav += area.nav
        reg.settings_checks += area.settings_checks
    reg.nav.sort(key=lambda item: item.order)
    return reg


def init_app(app: Flask, areas: Iterable[Area]) -> Registry:
    """Register every area's blueprints, commands and template names on ``app`` and keep
    the merged registry in ``app.extensions``."""
    areas = list(areas)
    reg = build(areas)
    app.extensions[EXTENSION] = reg
    globals_owner: dict[str, str] = {}
    for area in areas:
        for bp in area.blueprints:
            app.register_blueprint(bp)
        for command in area.commands:
            if command.name in app.cli.commands:
                raise AreaError(f"area {area.name!r}: command {command.name!r} is already "
                                f"declared")
            app.cli.add_command(command)
        for name, value in area.template_globals.items():
            if name in globals_owner:
                raise AreaError(f"area {area.name!r}: template name {name!r} is already "
                                f"declared by area {globals_owner[name]!r}")
            globals_owner[name] = area.name
            app.jinja_env.globals[name] = value
        for processor in area.template_context:
            app.context_processor(processor)
    return reg
