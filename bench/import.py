"""Import benchmark: 1,000 and 10,000 generated rows imported through ``run_import``,
beside the floor — openpyxl alone reading the same file — and a naive baseline, measured
in the same run, with the peak memory of each import.

    .venv/bin/python bench/import.py                      # SQLite in a temporary file
    .venv/bin/python bench/import.py --database-url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python bench/import.py --rows 10000 --repeat 5 --naive-max 0

Every measurement runs in a fresh process on a fresh database (the PostgreSQL database
given is emptied: its schema is dropped), so the peak RSS is that import's own. In one
process the floor is measured just before the import, so machine load hits both alike;
the table gives medians over ``--repeat`` runs and the ratio is the median of the runs'
own ratios. ``import s`` is what an officer waits for: reading the file and importing it.
``cpu x`` is the same ratio in CPU seconds of the benchmark process, which machine load
barely moves (on PostgreSQL it leaves out the server's share of the work).

* **naive** — every row through the enterprise and plan services, one savepoint per row
  (what the importer did before the set-based path, without its look-ups: a lower bound
  of the old cost). Run for sizes up to ``--naive-max`` (default 1,000), once per size.

Target (issue #7): within 5x of the floor at 10,000 rows, memory under 500 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
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

    from registry.rules.credit_code import build_credit_code
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
            "name": f"许昌市基准测试化工有限公司{i:05d}号厂", "credit_code": build_credit_code(
                "91", code, f"MA{i:06d}"),
            "county_code": name, "address": f"{name}示范路{i}号", "longitude": lon, "latitude": lat,
            "industry": "化学原料和化学制品制造业", "contact_name": "王伟", "contact_phone": "13812345678",
            "contact_email": f"c{i}@example.com", "cross_region": "否",
            "title": "突发环境事件应急预案（2023年版）", "signed_on": signed, "filed_on": None,
            "filing_number": None, "risk_level": LEVELS[i % len(LEVELS)], "documents": "齐全",
        }
        sheet.append([values[c.key] for c in COLUMNS])
    book.save(path)


def read_floor(path: Path) -> tuple[float, float]:
    """Seconds (wall, CPU of this process) openpyxl takes to read every row of ``path``."""
    from openpyxl import load_workbook

    start, cpu = time.perf_counter(), time.process_time()
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert count > 0
    return time.perf_counter() - start, time.process_time() - cpu


def naive_import(actor, register) -> None:
    """The baseline: each row through the services, in its own savepoint."""
    from registry.enterprises.schemas import EnterpriseIn
    from registry.enterprises.service import create_enterprise
    from registry.extensions import db
    from registry.jurisdictions.service import list_counties
    from registry.plans.schemas import PlanIn
    from registry.plans.service import file_plan
    from registry.unit_of_work import unit_of_work
    from registry.validation import validate
    from registry.workflows.cells import CountyReader
    from registry.workflows.columns import header_map
    from registry.workflows.importer import _read_cells

    columns = header_map(register.headers)
    county = CountyReader(list_counties(include_retired=True))
    with unit_of_work():  # one commit at the end
        for _number, row in register.rows:
            with db.session.begin_nested():
                enterprise_data, plan_data = _read_cells(row, columns, county)
                enterprise = create_enterprise(actor, validate(EnterpriseIn, enterprise_data))
                file_plan(actor, validate(PlanIn, {**plan_data, "enterprise_id": enterprise.id}))


def _fresh_app(work: Path, database_url: str | None):
    """An app on an empty, migrated database with the default jurisdiction."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from config import normalise_database_url
    from registry import create_app

    url = (normalise_database_url(database_url) if database_url
           else f"sqlite:///{work / 'bench.sqlite3'}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "TODAY": "2026-06-15",
                      "UPLOAD_DIR": str(work / "uploads")})
    with app.app_context():
        from registry.extensions import db
        from registry.jurisdictions.defaults import default_county_rows
        from registry.models import County

        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        if db.session.get(County, "411081") is None:
            db.session.execute(sa.insert(County.__table__), default_county_rows())
            db.session.commit()
    return app, url


def child(n: int, database_url: str | None, mode: str) -> dict:
    """One import (``mode`` "ours" or "naive") of ``n`` rows in this fresh process."""
    import logging

    logging.disable(logging.INFO)  # Alembic's migration lines
    os.environ.setdefault("REGISTRY_ENV", "development")
    from registry.permissions import SystemActor
    from registry.workflows.importer import run_import
    from registry.workflows.source import read_register

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = work / f"register-{n}.xlsx"
    app, url = _fresh_app(work, database_url)
    with app.app_context():
        from registry.extensions import db
        from registry.models import Plan

        write_register(path, n)
        floor, floor_cpu = read_floor(path)
        start, cpu = time.perf_counter(), time.process_time()
        if mode == "naive":
            naive_import(SystemActor("bench"), read_register(path))
        else:
            result = run_import(SystemActor("bench"), read_register(path))
            assert result.committed and not result.errors, result.errors[:3]
            assert result.counts["plan_filed"] == n
        elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert db.session.query(Plan).count() == n
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"floor_s": floor, "import_s": elapsed, "cpu_ratio": elapsed_cpu / floor_cpu,
            "peak_rss_mb": peak_mb,
            "database": url.split(":", 1)[0].split("+")[0]}


def _run_child(n: int, database_url: str | None, mode: str) -> dict:
    command = [sys.executable, __file__, "--child", str(n), "--mode", mode]
    if database_url:
        command += ["--database-url", database_url]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(n: int, database_url: str | None, repeat: int, naive: bool) -> dict:
    runs = [_run_child(n, database_url, "ours") for _ in range(repeat)]
    floor = statistics.median(r["floor_s"] for r in runs)
    spent = statistics.median(r["import_s"] for r in runs)
    row = {"rows": n, "database": runs[0]["database"], "floor_s": floor, "import_s": spent,
           "rows_per_s": n / spent,
           "x_floor": statistics.median(r["import_s"] / r["floor_s"] for r in runs),
           "x_floor_range": (min(r["import_s"] / r["floor_s"] for r in runs),
                             max(r["import_s"] / r["floor_s"] for r in runs)),
           "cpu_x_floor": statistics.median(r["cpu_ratio"] for r in runs),
           "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "naive_s": None}
    if naive:
        base = _run_child(n, database_url, "naive")
        row["naive_s"] = base["import_s"]
        # The naive run's own floor puts it on the same footing as ours.
        row["naive_ratio"] = (base["import_s"] / base["floor_s"]) / row["x_floor"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-max", type=int, default=1000,
                        help="run the naive baseline for sizes up to this (0: never)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="ours", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.database_url, args.mode)))
        return
    print(f"load average at start: {os.getloadavg()[0]:.1f}; {args.repeat} runs per size")
    print(f"{'rows':>6} {'database':>10} {'floor s':>8} {'import s':>9} {'rows/s':>7} "
          f"{'x floor':>8} {'(min-max)':>11} {'cpu x':>6} {'naive s':>8} {'naive/ours':>10} "
          f"{'peak MB':>8}")
    for n in args.rows:
        r = measure(n, args.database_url, args.repeat, n <= args.naive_max)
        low, high = r["x_floor_range"]
        naive = (f"{r['naive_s']:>8.1f} {r['naive_ratio']:>9.1f}x" if r["naive_s"] is not None
                 else f"{'—':>8} {'—':>10}")
        print(f"{n:>6} {r['database']:>10} {r['floor_s']:>8.2f} {r['import_s']:>9.2f} "
              f"{r['rows_per_s']:>7.0f} {r['x_floor']:>7.2f}x {f'{low:.1f}-{high:.1f}':>11} "
              f"{r['cpu_x_floor']:>5.2f}x {naive} {r['peak_rss_mb']:>8.0f}", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
