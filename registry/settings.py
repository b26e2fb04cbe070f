"""Settings checked once, when the app is built (issue #15 §6). A bad value stops
``create_app`` with one message naming every variable at fault and the rule it breaks,
instead of failing at the first reminder run, map or mail.

The core's settings are checked here; an area checks its own with the functions it
declares as ``Area.settings_checks`` (``(config) -> anything``, raising ValueError whose
message starts with the variable's name).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SettingsError(RuntimeError):
    """One or more settings are unusable; the message names each."""


def _positive(*names: str) -> Callable[[Mapping], None]:
    def check(config: Mapping) -> None:
        for name in names:
            value = config.get(name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{name}={value!r}: expected a number greater than 0")
    return check


def _timezone(config: Mapping) -> None:
    try:
        ZoneInfo(str(config["TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"TIMEZONE={config['TIMEZONE']!r}: expected an IANA time zone such "
                         f"as Asia/Shanghai") from None


def _locale(config: Mapping) -> None:
    if config["BABEL_DEFAULT_LOCALE"] not in config["LANGUAGES"]:
        raise ValueError(f"DEFAULT_LOCALE={config['BABEL_DEFAULT_LOCALE']!r}: expected one of "
                         f"{', '.join(config['LANGUAGES'])}")


def _home_city(config: Mapping) -> None:
    code = str(config["HOME_CITY_CODE"])
    if not (len(code) == 6 and code.isdigit() and code.endswith("00")):
        raise ValueError(f"HOME_CITY_CODE={code!r}: expected a city's six-digit division "
                         f"code (GB/T 2260), e.g. 411000")


def _delivery(config: Mapping) -> None:
    if config["REMINDERS_DELIVERY_DEFAULT"] not in ("digest", "single"):
        raise ValueError(f"REMINDERS_DELIVERY_DEFAULT={config['REMINDERS_DELIVERY_DEFAULT']!r}: "
                         f"expected digest or single")


def _run_at(config: Mapping) -> None:
    from registry.scheduler import daily_at

    daily_at("REMINDERS_RUN_AT")(config)


CORE_CHECKS: tuple[Callable[[Mapping], object], ...] = (
    _timezone, _locale, _home_city, _delivery, _run_at,
    _positive("PER_PAGE", "MAX_UPLOAD_MB", "REVIEW_INTERVAL_YEARS", "DUE_SOON_DAYS",
              "FILING_DEADLINE_WORKING_DAYS", "REMINDERS_SEND_BATCH", "REMINDERS_MAX_ATTEMPTS",
              "RIVER_FLOW_SPEED_MPS", "TRACE_MAX_SNAP_KM", "SCHEDULER_LEASE_SECONDS",
              "SCHEDULER_POLL_SECONDS"),
)


def check(config: Mapping, checks: Iterable[Callable[[Mapping], object]]) -> None:
    """Run every check; raise SettingsError listing every problem found."""
    problems = []
    for each in (*CORE_CHECKS, *checks):
        try:
            each(config)
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(str(exc).strip("'\""))
    if problems:
        raise SettingsError("unusable settings (environment variables): " + "; ".join(problems))
