"""Chinese (zh_CN) by default, English available; the choice is remembered.

Catalogues: ``registry/translations`` for the core and ``registry/<area>/translations``
for each area, so areas can be worked on without editing one shared file. msgids are
English; ``python -m registry.i18n compile`` builds the .mo files (``make install`` runs it).
"""
from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from registry.extensions import babel

PACKAGE_DIR = Path(__file__).resolve().parent


def translation_directories() -> list[Path]:
    dirs = [PACKAGE_DIR / "translations"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/translations") if p.is_dir())
    return [d for d in dirs if d.is_dir()]


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if not chosen and current_user and getattr(current_user, "is_authenticated", False):
        chosen = current_user.locale
    if chosen in supported:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", ";".join(str(d) for d in translation_directories())
    )
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _locale():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}


def compile_catalogs() -> int:
    """Compile every messages.po to messages.mo; returns how many were written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    count = 0
    for directory in translation_directories():
        for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
            with po_path.open("rb") as fh:
                catalog = read_po(fh)
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog)
            count += 1
    return count


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        print(f"translations: compiled {compile_catalogs()} catalogue(s)")
    else:
        sys.exit("usage: python -m registry.i18n compile")
