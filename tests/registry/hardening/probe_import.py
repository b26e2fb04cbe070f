"""Run ``flask --app registry import FILE --dry-run`` in a fresh process and report its
exit code, output, wall seconds and peak resident memory as JSON on the last line.

``python -m tests.registry.hardening.probe_import DATABASE_URL FILE [KEY=INT ...]``; the
KEY=INT pairs override the configuration (e.g. IMPORT_MAX_XML_MB=300). A fresh process, so
the peak is this import's own (the tests of tests/registry/hardening/test_workbooks.py)."""
from __future__ import annotations

import json
import resource
import sys
import time


def _peak_kb() -> int:
    """This process's peak resident memory. VmHWM belongs to the process's own memory map,
    which exec starts afresh; getrusage's ru_maxrss would start at the parent's size."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(database_url: str, path: str, *overrides: str) -> None:
    from registry import create_app

    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
              "BABEL_DEFAULT_LOCALE": "zh_CN", "SERVER_NAME": None}
    for item in overrides:
        key, _, value = item.partition("=")
        config[key] = int(value)
    app = create_app(config)
    runner = app.test_cli_runner()
    started = time.monotonic()
    result = runner.invoke(args=["import", path, "--dry-run"])
    seconds = time.monotonic() - started
    peak_mb = _peak_kb() / 1024
    print(json.dumps({"exit_code": result.exit_code, "output": result.output,
                      "seconds": round(seconds, 2), "peak_mb": round(peak_mb)},
                     ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
