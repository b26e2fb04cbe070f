"""Pages benchmark: what a user waits for at province scale (issue #18).

    .venv/bin/python bench/pages.py                          # 20,000 enterprises
    .venv/bin/python bench/pages.py --enterprises 50000 --repeat 3
    .venv/bin/python bench/pages.py --enterprises 5000 --quick

It creates a scratch PostgreSQL database (``--database-url``, default
postgresql://postgres@127.0.0.1:5432/bench_pages — dropped and created again), migrates
it and fills it with the app's own bulk writer (registry/bulk_insert.py: one COPY a
table): N enterprises over the counties, each with a current plan (every fifth also with
a superseded earlier version), the five filing documents of each plan, a drill for every
ten enterprises with two corrective actions each. Then it starts gunicorn (one sync
worker, so that the per-worker caches are what a second look meets), logs in as an
administrator and times the whole request — sent, answered and read to the last byte,
compressed as a browser asks (``Accept-Encoding: gzip, deflate, br``) — of every page
and export, ``--repeat`` times each (fewer for a page whose answers take more than
``--budget`` seconds in all).

The floor is measured in the same run: ``psql -c "COPY (…) TO STDOUT"`` reading the same
rows (a new psql process each time, as each request is a new HTTP exchange):

* the whole map, the trace map, the map page and every other page: the current plans'
  point rows (what the map shows, ``floor: points``);
* the small map: the points in its 0.08° box (``floor: near``);
* the enterprise exports: the export's columns of every enterprise (``floor: enterprises``);
* the plan exports: the plans joined to their enterprise and county (``floor: plans``).

``map after a change`` renames one enterprise before each request (the data token moves,
so the points are read and encoded again); ``map again`` asks for the same map again.
At the end the peak resident memory of the worker (VmHWM) is printed. The targets are the
issue's: map after a change ≤ 15x, map again ≤ 3x, small map ≤ 3x, CSV ≤ 15x, XLSX ≤ 80x
and ≤ 6x the CSV, every other page ≤ 15x, worker peak RSS ≤ 400 MB.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import PASSWORD, Server, flask  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_pages"
BRAND = "瑞贝卡黄河旋风森源众品金汇恒达远东万里鑫华德嘉宏昌盛泰丰安利新天龙宇"
TRADES = ["化工", "制药", "水泥", "发制品", "新材料", "电镀", "食品", "陶瓷", "机械制造", "纺织印染"]
LEVELS = ["general"] * 94 + ["major"] * 5 + ["serious"]
LETTER = {"general": "L", "major": "M", "serious": "H"}
# Seats of the counties, to scatter enterprises around (as bench/import.py).
SEATS = {"411002": (113.82, 34.03), "411003": (113.83, 34.00), "411024": (114.20, 34.10),
         "411025": (113.48, 33.85), "411081": (113.47, 34.17), "411082": (113.77, 34.22)}


def build(n: int, seed: int = 18) -> dict:
    """Fill the app's database (in an app context) with ``n`` enterprises, their plans,
    documents, drills and corrective actions through ``bulk_insert.insert_many``; returns
    the row counts. The tables must be empty (ids are given)."""
    import sqlalchemy as sa

    from registry.bulk_insert import insert_many, refresh_statistics
    from registry.extensions import db
    from registry.models import CorrectiveAction, Drill, Enterprise, Plan, PlanDocument
    from registry.models.drills import drill_enterprises, drill_plans
    from registry.rules.credit_code import build_credit_code
    from registry.rules.plan_status import DOCUMENTS

    rng = random.Random(seed)
    today = date.today()
    counties = list(SEATS)
    enterprises, plans, documents, drills, links, plan_links, actions = [], [], [], [], [], [], []
    serial: dict[tuple[str, int], int] = {}
    plan_id = 0
    for i in range(1, n + 1):
        county = counties[i % len(counties)]
        lon, lat = SEATS[county]
        # Near the seat, inside the county (a few fall outside: /map/checks lists them).
        lon, lat = round(lon + rng.uniform(-0.06, 0.06), 6), round(lat + rng.uniform(-0.05, 0.05), 6)
        enterprises.append({
            "id": i, "name": f"许昌{''.join(rng.sample(BRAND, 3))}{rng.choice(TRADES)}第{i}厂有限公司",
            "credit_code": build_credit_code("91", county, f"MA{i:06d}"),
            "county_code": county, "address": f"许昌市{county}测试路{i}号",
            "longitude": lon, "latitude": lat, "industry": rng.choice(TRADES),
            "contact_name": "张工", "contact_phone": f"0374-{1000000 + i}",
            "contact_email": f"e{i}@example.cn", "cross_region": i % 7 == 0,
            "discharge_longitude": None, "discharge_latitude": None, "receiving_water": None,
            "is_demo": False})
        versions = 2 if i % 5 == 0 else 1
        for version in range(1, versions + 1):
            plan_id += 1
            level = rng.choice(LEVELS)
            signed = today - timedelta(days=rng.randint(30, 1400) + (versions - version) * 400)
            filed = signed + timedelta(days=rng.randint(1, 25))
            key = (county, filed.year)
            serial[key] = serial.get(key, 0) + 1
            current = version == versions
            plans.append({
                "id": plan_id, "enterprise_id": i, "version": version,
                "title": f"突发环境事件应急预案（第{version}版）", "signed_on": signed,
                "filed_on": filed,
                "filing_number": f"{county}-{filed.year}-{serial[key]:03d}-{LETTER[level]}",
                "filing_county_code": county, "filing_year": filed.year,
                "filing_serial": serial[key], "filing_number_irregular": False,
                "filing_deadline": signed + timedelta(days=20), "deadline_approximate": False,
                "filed_late": filed > signed + timedelta(days=20), "risk_level": level,
                "risk_notation": None, "risk_assessment": None,
                "review_due_on": signed.replace(year=signed.year + 3, day=min(signed.day, 28)),
                "is_current": current, "superseded_on": None if current else filed + timedelta(400),
                "superseded_by_id": None if current else plan_id + 1,
                "revision_required": False, "revision_reason": None, "revised_because": None,
                "is_demo": False})
            for kind in DOCUMENTS:
                documents.append({"plan_id": plan_id, "kind": kind, "stored_name": None,
                                  "original_name": f"{kind}.pdf", "content_type": "application/pdf",
                                  "size": 1000 + i, "uploaded_at": datetime(2026, 1, 1)})
        if i % 10 == 0:
            drill_id = i // 10
            held = today - timedelta(days=rng.randint(1, 700))
            drills.append({
                "id": drill_id, "title": f"{enterprises[-1]['name']}突发环境事件应急演练",
                "held_on": held, "duration_hours": 2.0, "county_code": county,
                "place": enterprises[-1]["address"], "longitude": lon, "latitude": lat,
                "organiser_level": "enterprise", "organiser": enterprises[-1]["name"],
                "content_type": "comprehensive", "form_type": "live", "legacy_type": None,
                "theme": "environmental", "agreement_id": None, "scenario_substance": "硫酸",
                "scenario_pathway": "water", "participating_bodies": None, "headcount": 30,
                "evaluation": "演练达到预期目的。", "status": "open", "closed_on": None,
                "is_demo": False})
            links.append({"drill_id": drill_id, "enterprise_id": i})
            plan_links.append({"drill_id": drill_id, "plan_id": plan_id})
            for k in range(2):
                actions.append({
                    "drill_id": drill_id, "description": f"整改事项{k + 1}：完善应急物资台账",
                    "category": "equipment", "owner_name": "李工", "owner_unit": "安环部",
                    "owner_user_id": None, "due_on": held + timedelta(days=60),
                    "status": "verified" if k == 0 else "open", "evidence": None,
                    "done_on": None, "done_by_id": None, "done_by_name": None,
                    "verified_by_id": None, "verified_by_name": None,
                    "verified_on": held + timedelta(days=30) if k == 0 else None,
                    "plan_needs_revision": False, "plan_id": None, "is_demo": False})
    plans.sort(key=lambda p: not p["is_current"])  # a superseded plan names its successor
    for table, rows in ((Enterprise.__table__, enterprises), (Plan.__table__, plans),
                        (PlanDocument.__table__, documents), (Drill.__table__, drills),
                        (drill_enterprises, links), (drill_plans, plan_links),
                        (CorrectiveAction.__table__, actions)):
        for start in range(0, len(rows), 20_000):
            insert_many(table, rows[start:start + 20_000])
    if db.engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
        for table in ("enterprises", "plans", "drills"):
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    db.session.commit()
    refresh_statistics(Enterprise.__table__, Plan.__table__, PlanDocument.__table__,
                       Drill.__table__, CorrectiveAction.__table__)
    return {"enterprises": len(enterprises), "plans": len(plans), "documents": len(documents),
            "drills": len(drills), "actions": len(actions)}


def scratch_database(url: str) -> None:
    import sqlalchemy as sa

    from config import normalise_database_url

    base, _, name = url.rpartition("/")
    if not re.fullmatch(r"bench_pages\w*", name):
        sys.exit(f"refusing to drop {name!r}: the scratch database name must start bench_pages")
    engine = sa.create_engine(normalise_database_url(f"{base}/postgres"),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


# The floors: the same rows, read by psql.
POINTS_SQL = ("SELECT e.id, e.name, e.credit_code, e.county_code, p.filing_number, p.id, "
              "p.risk_level, p.risk_notation, p.review_due_on, e.longitude, e.latitude "
              "FROM enterprises e JOIN plans p ON p.enterprise_id = e.id AND p.is_current "
              "ORDER BY e.id")
NEAR_SQL = POINTS_SQL.replace(
    "ORDER BY", "WHERE e.longitude BETWEEN {lon} - 0.08 AND {lon} + 0.08 "
                "AND e.latitude BETWEEN {lat} - 0.08 AND {lat} + 0.08 ORDER BY")
ENTERPRISES_SQL = (
    "SELECT e.name, e.credit_code, c.name, e.county_code, e.address, e.longitude, e.latitude, "
    "e.industry, e.contact_name, e.contact_phone, e.contact_email, e.cross_region, p.title, "
    "p.signed_on, p.filed_on, p.filing_number, p.risk_level, p.risk_notation, p.review_due_on "
    "FROM enterprises e LEFT JOIN plans p ON p.enterprise_id = e.id AND p.is_current "
    "LEFT JOIN counties c ON c.code = e.county_code ORDER BY e.county_code, e.name, e.id")
PLANS_SQL = (
    "SELECT p.filing_number, e.name, e.credit_code, c.name, p.version, p.title, p.signed_on, "
    "p.filed_on, p.filing_deadline, p.filed_late, p.risk_level, p.risk_notation, "
    "p.review_due_on, p.filing_number_irregular FROM plans p JOIN enterprises e "
    "ON e.id = p.enterprise_id JOIN counties c ON c.code = e.county_code "
    "ORDER BY p.filed_on DESC, p.id DESC")


def psql_seconds(url: str, sql: str) -> float:
    started = time.perf_counter()
    subprocess.run(["psql", "-X", "-q", "-d", url, "-c", f"COPY ({sql}) TO STDOUT WITH CSV"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def worker_pids(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == master:
                found.append(int(entry.name))
    return found


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20_000, choices=(5_000, 20_000, 50_000))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=30.0,
                        help="stop repeating a page once its answers took this many seconds")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--quick", action="store_true", help="3 repeats, 10 s budget")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.budget = 3, 10.0
    import requests
    import sqlalchemy as sa

    env = dict(os.environ, REGISTRY_ENV="production", DATABASE_URL=args.database_url,
               SECRET_KEY="bench-pages-secret", SESSION_COOKIE_SECURE="0",
               SCHEDULER_ENABLED="0", LOGIN_MAX_FAILURES="1000")
    # Before config.py is imported: its settings are read from the environment then.
    os.environ.update({k: env[k] for k in ("REGISTRY_ENV", "DATABASE_URL", "SECRET_KEY",
                                           "SESSION_COOKIE_SECURE", "SCHEDULER_ENABLED")})
    scratch_database(args.database_url)
    flask(["db", "upgrade"], env)
    flask(["create-user", "officer", "--role", "admin", "--password", PASSWORD], env)
    from registry import create_app

    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        counts = build(args.enterprises)
        from registry.extensions import db
        from registry.models import Enterprise

        sample = db.session.execute(sa.select(Enterprise.id, Enterprise.longitude,
                                              Enterprise.latitude)
                                    .where(Enterprise.id == args.enterprises // 2)).one()
    print(f"built {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    psql_url = args.database_url

    def touch():
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE enterprises SET name = name || '' WHERE id = 1"))

    eid = sample.id
    near_sql = NEAR_SQL.format(lon=sample.longitude, lat=sample.latitude)
    # (name, path, floor name, target ratio or None, before each request)
    pages = [
        ("map after a change", "/map/frame", "points", 15, touch),
        ("map again", "/map/frame", "points", 3, None),
        ("small map", f"/map/frame?enterprise_id={eid}", "near", 3, None),
        ("trace map", f"/map/frame?enterprise_id={eid}&trace=1", "points", 15, None),
        ("map page", "/map", "points", 15, None),
        ("dashboard", "/", "points", 15, None),
        ("enterprise list", "/enterprises", "points", 15, None),
        ("enterprise page", f"/enterprises/{eid}", "points", 15, None),
        ("downstream page", f"/enterprises/{eid}/downstream", "points", 15, None),
        ("plans", "/plans", "points", 15, None),
        ("drills", "/drills", "points", 15, None),
        ("actions", "/actions", "points", 15, None),
        ("annual", "/annual", "points", 15, None),
        ("map checks", "/map/checks", "points", 15, None),
        ("reminder preview", "/reminders/preview", "points", 15, None),
        ("drill schedule", "/drills/schedule", "points", 15, None),
        ("enterprises.csv", "/export/enterprises.csv", "enterprises", 15, None),
        ("enterprises.xlsx", "/export/enterprises.xlsx", "enterprises", 80, None),
        ("plans.csv", "/export/plans.csv", "plans", 15, None),
        ("plans.xlsx", "/export/plans.xlsx", "plans", 80, None),
    ]
    floors_sql = {"points": POINTS_SQL, "near": near_sql, "enterprises": ENTERPRISES_SQL,
                  "plans": PLANS_SQL}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-pages-gunicorn-{os.getpid()}.log"
    server = Server(env, 1, log)
    results = {}
    try:
        server.wait_ready()
        web = requests.Session()
        web.headers["Accept-Encoding"] = "gzip, deflate, br"
        page = web.get(server.base + "/login", timeout=60).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        if "/login" in web.post(server.base + "/login", timeout=60, data={
                "username": "officer", "password": PASSWORD, "csrf_token": token}).url:
            sys.exit("could not log in to the benchmark server")
        for name, path, floor, target, before in pages:
            times, floor_times, wire, status = [], [], 0, 0
            while len(times) < args.repeat and sum(times) < args.budget:
                if before:
                    before()
                floor_times.append(psql_seconds(psql_url, floors_sql[floor]))
                t0 = time.perf_counter()
                r = web.get(server.base + path, timeout=600, stream=True)
                wire = sum(len(chunk) for chunk in r.raw.stream(64 * 1024, decode_content=False))
                times.append(time.perf_counter() - t0)
                status = r.status_code
            results[name] = {"median": statistics.median(times), "n": len(times),
                             "floor": statistics.median(floor_times), "floor_name": floor,
                             "target": target, "bytes": wire, "status": status}
            res = results[name]
            print(f"{name:<20} {res['median'] * 1000:9.1f} ms  ({len(times)}x, HTTP {status})",
                  file=sys.stderr, flush=True)
        rss = max(peak_rss_mb(pid) for pid in worker_pids(server.proc.pid))
    finally:
        server.stop()
        engine.dispose()
    print(table(results, counts, rss, args))
    return 0 if all(r["status"] == 200 for r in results.values()) else 1


def table(results: dict, counts: dict, rss: float, args) -> str:
    lines = [f"{counts['enterprises']:,} enterprises, {counts['plans']:,} plans, "
             f"{counts['documents']:,} documents, {counts['drills']:,} drills, "
             f"{counts['actions']:,} actions; PostgreSQL, gunicorn 1 sync worker; "
             f"medians of up to {args.repeat} requests", "",
             "| page | median ms | floor | floor ms | ratio | target | sent (compressed) |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        ratio = r["median"] / r["floor"]
        verdict = "" if r["target"] is None else (f"≤ {r['target']}×" + (" ✓" if ratio <= r["target"] else " ✗"))
        lines.append(f"| {name} | {r['median'] * 1000:,.0f} | {r['floor_name']} | "
                     f"{r['floor'] * 1000:,.0f} | {ratio:.1f}× | {verdict} | "
                     f"{r['bytes'] / 1e6:.2f} MB |")
    for fmt in ("enterprises", "plans"):
        xlsx, csv_ = results.get(f"{fmt}.xlsx"), results.get(f"{fmt}.csv")
        if xlsx and csv_:
            lines.append(f"\n{fmt}: XLSX / CSV = {xlsx['median'] / csv_['median']:.1f}× (target ≤ 6×)")
    lines.append(f"\nworker peak RSS (VmHWM): {rss:.0f} MB (target ≤ 400 MB)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
