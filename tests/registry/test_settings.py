"""Settings are checked once when the app is built (issue #15 §6): a bad value stops
start-up with a message naming each variable and its rule, not the first reminder run."""
import pytest

from registry import create_app
from registry.settings import SettingsError


def test_bad_settings_stop_start_up_naming_every_variable(database_url):
    with pytest.raises(SettingsError) as caught:
        create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                    "REMINDERS_PLAN_DAYS_BEFORE": "90,三十,7", "REMINDERS_ACTION_DAYS_BEFORE": "7,-1",
                    "REMINDERS_DRILL_OVERDUE_EVERY_DAYS": -30, "REMINDERS_RUN_AT": "25:00",
                    "TIMEZONE": "Asia/Xuchang", "REMINDERS_DELIVERY_DEFAULT": "weekly",
                    "HOME_CITY_CODE": "4110", "PER_PAGE": 0})
    message = str(caught.value)
    for name in ("REMINDERS_PLAN_DAYS_BEFORE='90,三十,7'", "REMINDERS_ACTION_DAYS_BEFORE='7,-1'",
                 "REMINDERS_DRILL_OVERDUE_EVERY_DAYS=-30", "REMINDERS_RUN_AT='25:00'",
                 "TIMEZONE='Asia/Xuchang'", "REMINDERS_DELIVERY_DEFAULT='weekly'",
                 "HOME_CITY_CODE='4110'", "PER_PAGE=0"):
        assert name in message, message
    assert "expected whole days >= 0 separated by commas" in message


def test_good_settings_build_the_app(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REMINDERS_PLAN_DAYS_BEFORE": "60,7",
                      "REMINDERS_AGREEMENT_DAYS_BEFORE": "off"})
    assert app.config["REMINDERS_PLAN_DAYS_BEFORE"] == "60,7"


def test_every_domain_error_has_fields_for_a_form():
    from registry.errors import Conflict, NotFound, ValidationFailed

    assert Conflict("已存在同名企业。").fields == {"__root__": ["已存在同名企业。"]}
    assert NotFound().fields == {}
    assert ValidationFailed({"signed_on": ["请填写签署日期。"]}).fields == {"signed_on": ["请填写签署日期。"]}


def test_the_environment_is_read_when_the_app_is_built(monkeypatch, database_url):
    monkeypatch.setenv("REMINDERS_PLAN_DAYS_BEFORE", "60,14")
    monkeypatch.setenv("PER_PAGE", "35")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert (app.config["REMINDERS_PLAN_DAYS_BEFORE"], app.config["PER_PAGE"]) == ("60,14", 35)
    monkeypatch.setenv("REMINDERS_PLAN_DAYS_BEFORE", "60,十四")
    with pytest.raises(SettingsError, match="REMINDERS_PLAN_DAYS_BEFORE='60,十四'"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    monkeypatch.setenv("PER_PAGE", "many")
    with pytest.raises(ValueError, match="PER_PAGE='many': expected a whole number"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})
