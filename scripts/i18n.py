"""Maintain the zh_CN catalogue: ``python scripts/i18n.py update`` re-extracts the
messages and merges them into registry/translations/zh_Hans_CN/LC_MESSAGES/messages.po
(Babel parses zh_CN as zh_Hans_CN, hence the directory name),
keeping existing translations; ``check`` lists untranslated messages and fails if any."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "registry/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
POT = ROOT / "instance/messages.pot"


def extract() -> None:
    POT.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "--no-location",
                    "--sort-output", "-o", str(POT), str(ROOT)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def update(extra: dict[str, str] | None = None) -> list[str]:
    extract()
    with POT.open("rb") as fh:
        template = read_po(fh)
    old = {}
    if PO.exists():
        with PO.open("rb") as fh:
            old = {m.id: m.string for m in read_po(fh) if m.id}
    old.update(extra or {})
    template.locale = "zh_CN"
    missing = []
    for message in template:
        if not message.id:
            continue
        message.string = old.get(message.id, "")
        if not message.string:
            missing.append(message.id)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, template, width=0)
    return missing


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    missing = update()
    for msgid in missing:
        print("untranslated:", msgid)
    sys.exit(1 if (missing and command == "check") else 0)
