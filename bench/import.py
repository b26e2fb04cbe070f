"""Import benchmark: rows/s for 1,000 and 10,000 generated rows beside the floor — the
time openpyxl alone needs to read the same file — measured in the same run, and peak
memory (max RSS of a fresh process per size).

    .venv/bin/python bench/import.py                  # SQLite in a temporary file
    .venv/bin/python bench/import.py --database-url postgresql://postgres@127.0.0.1/bench

Target (issue #7): within 5x of the floor at 10,000 rows, memory under 500 MB.
The PostgreSQL database given is emptied (schema dropped) first.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COUNTIES = {"411002": ("魏都区", 113.82, 34.03), "411003": ("建安区", 113.83, 34.00),
            "411024": ("鄢陵县", 114.20, 34.10), "411025": ("襄城县", 113.48, 33.85),
            "411081": ("禹州市", 113.47, 34.17), "411082": ("长葛市", 113.77, 34.22)}
LEVELS = ["一般"] * 94 + ["较大"] * 5 + ["重大"]


def write_register(path: Path, n: int) -> None:
    """``n`` rows of the import template: varied counties, levels and date forms."""
    from datetime import datetime

    from openpyxl import Workbook

    from registry.rules.credit_code import make_credit_code
    from registry.workflows.columns import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("登记表")
    sheet.append([c.header for c in COLUMNS])
    codes = list(COUNTIES)
    for i in range(n):
        code = codes[i % len(codes)]
        name, lon, lat = COUNTIES[code]
        month, day = 1 + i % 12, 1 + i % 28
        forms = (datetime(2023, month, day), f"2023-{month:02d}-{day:02d}", f"2023/{month}/{day}",
                 f"2023年{month}月{day}日")
        signed = forms[i % len(forms)]
        values = {
            "name": f"许昌市基准测试化工有限公司{i:05d}号厂", "credit_code": make_credit_code(
                f"91{code}MA{i:07d}"[:17]),
            "county_code": name, "address": f"{name}示范路{i}号", "longitude": lon, "latitude": lat,
            "industry": "化学原料和化学制品制造业", "contact_name": "王伟", "contact_phone": "13812345678",
            "contact_email": f"c{i}@example.com", "cross_region": "否",
            "title": "突发环境事件应急预案（2023年版）", "signed_on": signed, "filed_on": None,
            "filing_number": None, "risk_level": LEVELS[i % len(LEVELS)], "documents": "齐全",
        }
        sheet.append([values[c.key] for c in COLUMNS])
    book.save(path)


def read_floor(path: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert count > 0
    return time.perf_counter() - start


def child(n: int, database_url: str | None) -> dict:
    """One size in a fresh process: write, read floor, import (timed), peak memory."""
    os.environ.setdefault("REGISTRY_ENV", "development")
    from flask_migrate import upgrade

    from config import normalise_database_url
    from registry import create_app
    from registry.permissions import SystemActor
    from registry.workflows.importer import run_import
    from registry.workflows.source import read_register

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = work / f"register-{n}.xlsx"
    url = normalise_database_url(database_url) if database_url else f"sqlite:///{work / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "TODAY": "2026-06-15",
                      "UPLOAD_DIR": str(work / "uploads")})
    with app.app_context():
        from registry.extensions import db

        if url.startswith("postgresql"):
            import sqlalchemy as sa

            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        from registry.jurisdictions.defaults import default_county_rows
        from registry.models import County

        if db.session.get(County, "411081") is None:
            db.session.execute(sa_insert(County), default_county_rows())
            db.session.commit()
        write_register(path, n)
        floor = read_floor(path)
        start = time.perf_counter()
        result = run_import(SystemActor("bench"), read_register(path))
        elapsed = time.perf_counter() - start
        assert result.committed and not result.errors, result.errors[:3]
        assert result.counts["plan_filed"] == n
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": n, "floor_s": round(floor, 3), "import_s": round(elapsed, 3),
            "rows_per_s": round(n / elapsed), "floor_rows_per_s": round(n / floor),
            "ratio": round(elapsed / floor, 1), "peak_rss_mb": round(peak_mb),
            "database": url.split(":", 1)[0]}


def sa_insert(model):
    import sqlalchemy as sa

    return sa.insert(model.__table__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.database_url)))
        return
    print(f"{'rows':>6} {'db':>10} {'floor s':>8} {'import s':>9} {'rows/s':>8} "
          f"{'floor rows/s':>13} {'x floor':>8} {'peak MB':>8}")
    for n in args.rows:
        command = [sys.executable, __file__, "--child", str(n)]
        if args.database_url:
            command += ["--database-url", args.database_url]
        out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['rows']:>6} {r['database']:>10} {r['floor_s']:>8} {r['import_s']:>9} "
              f"{r['rows_per_s']:>8} {r['floor_rows_per_s']:>13} {r['ratio']:>8} {r['peak_rss_mb']:>8}")


if __name__ == "__main__":
    main()
