"""Areas declared once (registry/areas.py, registry/installed.py): create_app refuses a
wrong declaration at start-up with a message naming the area, and keeps the registries per
app."""
from pathlib import Path

import click
import pytest
from flask import Blueprint

from registry import areas, create_app, installed
from registry.areas import Area, AreaError, NavItem
from registry.drills import exports as drill_exports
from registry.drills import panel as drill_panel
from registry.reminders import plan_source

CONFIG = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True}


def _start_with(monkeypatch, *extra: Area):
    monkeypatch.setattr(installed, "AREAS", (*installed.AREAS, *extra))
    return create_app(CONFIG)


@pytest.mark.parametrize(("area", "words"), [
    (Area(name="typo", exports=("registry.drills.exports:DRILLS",)),
     ["area 'typo'", "exports[0]", "not its name"]),
    (Area(name="typo", exports=(drill_panel.PANEL,)),
     ["area 'typo'", "exports[0]", "Panel", "ExportSpec"]),
    (Area(name="typo", dashboard_panels=drill_panel.PANEL),
     ["area 'typo'", "dashboard_panels", "tuple"]),
    (Area(name="typo", map_overlays=(42,)), ["area 'typo'", "map_overlays[0]", "callable"]),
    (Area(name="typo", audit_values={"theme": ["a", "b"]}), ["area 'typo'", "'theme'", "mapping"]),
    (Area(name="typo", nav=(("typo.index", "Typo", "all"),)), ["area 'typo'", "nav[0]", "NavItem"]),
    (Area(name="copy", exports=(drill_exports.DRILLS,)),
     ["area 'copy'", "export 'drills'", "area 'drills'"]),
    (Area(name="copy", reminder_sources=(plan_source.SOURCE,)),
     ["area 'copy'", "'plan_review'", "area 'reminders'"]),
    (Area(name="copy", commands=(click.Command("import"),)), ["area 'copy'", "'import'"]),
    (Area(name="copy", template_globals={"LEVELS": {}}), ["area 'copy'", "'LEVELS'", "area 'web'"]),
    (Area(name="drills"), ["area 'drills'", "twice"]),
])
def test_a_wrong_declaration_stops_start_up_naming_the_area(monkeypatch, area, words):
    with pytest.raises(AreaError) as caught:
        _start_with(monkeypatch, area)
    for word in words:
        assert word in str(caught.value)


def test_something_not_an_area_is_refused(monkeypatch):
    monkeypatch.setattr(installed, "AREAS", (*installed.AREAS, "registry.drills.area:area"))
    with pytest.raises(AreaError, match="not an Area"):
        create_app(CONFIG)


def test_a_misspelled_field_fails_when_the_area_is_declared():
    with pytest.raises(TypeError, match="blueprint"):
        Area(name="typo", blueprint=None)  # the field is ``blueprints``


def test_every_area_package_is_listed_once():
    root = Path(areas.__file__).parent
    declared = {p.parent.name for p in root.glob("*/area.py")}
    listed = [a.name for a in installed.AREAS]
    assert sorted(listed) == sorted(declared)
    assert len(set(listed)) == len(listed)


def test_a_new_area_plugs_in_by_its_declaration_alone(monkeypatch):
    bp = Blueprint("extra_area", __name__)

    @bp.get("/extra-area")
    def index():
        return "extra"

    @click.command("extra-area-hello")
    def hello():
        click.echo("你好")

    app = _start_with(monkeypatch, Area(name="extra", blueprints=(bp,), commands=(hello,),
                                        nav=(NavItem("extra_area.index", "Extra", order=85),),
                                        field_labels={"name": "ignored", "depth": "深度"},
                                        audit_values={"extra.flavour": {"a": "甲"}}))
    assert app.test_client().get("/extra-area").get_data(as_text=True) == "extra"
    assert app.test_cli_runner().invoke(args=["extra-area-hello"]).output == "你好\n"
    reg = areas.registry(app)
    endpoints = [item.endpoint for item in reg.nav]
    assert endpoints.index("agreements.index") < endpoints.index("extra_area.index") \
        < endpoints.index("reminders.index")
    # The core's field name is kept; a new one is added.
    assert str(app.jinja_env.globals["FIELDS"]["depth"]) == "深度"
    assert app.jinja_env.globals["FIELDS"]["name"] != "ignored"
    assert reg.choice_tables("flavour") == [{"a": "甲"}]


def test_registries_belong_to_their_app():
    first, second = create_app(CONFIG), create_app(CONFIG)
    assert areas.registry(first) is not areas.registry(second)
    areas.registry(first).exports.pop("drills")
    assert "drills" in areas.registry(second).exports
    assert [s.rule for s in areas.registry(second).reminder_sources] == [
        "calendar_unknown", "plan_review", "action_due", "drill_due", "agreement_renewal",
        "agreement_stale_contacts", "submission_notice", "submission_reply_due"]
