"""SIGKILL in the middle of ``flask import``: nothing of the file is written, the database
stays consistent, and running the same import again completes it. On SQLite and
PostgreSQL (the ``database_url`` fixture)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests.faults.conftest import Cli, cli_env, integrity_problems, run_cli, snapshot
from tests.registry.workflows.helpers import row, write_xlsx

EXISTING, ROWS = 20, 200
PERCENT = re.compile(r"(\d+)%")


def _percent(output: str) -> int:
    found = PERCENT.findall(output)
    return int(found[-1]) if found else 0


def test_import_killed_midway_writes_nothing_and_a_rerun_completes(app, database_url, tmp_path):
    from registry.extensions import db

    env = cli_env(database_url, tmp_path)
    first = write_xlsx(tmp_path / "first.xlsx", [row(n) for n in range(1, EXISTING + 1)])
    status, output = run_cli(["import", str(first)], env)
    assert status == 0, output
    # The second file changes the existing enterprises (new address) and adds new ones.
    second = write_xlsx(tmp_path / "second.xlsx",
                        [row(n, 详细地址=f"禹州市新址路{n}号") for n in range(1, EXISTING + 1)]
                        + [row(n) for n in range(EXISTING + 1, ROWS + 1)])
    with app.app_context():
        before = snapshot(db.engine)
    assert len(before["enterprises"]) == EXISTING

    cli = Cli(["import", str(second)], env)
    # Mid-way, seen on the progress bar: at least a quarter of the rows are through the
    # services (written and flushed inside the open transaction), the commit is not.
    cli.wait_for(lambda out: _percent(out) >= 25)
    assert _percent(cli.output) < 100 and "imported:" not in cli.output
    cli.kill()
    assert cli.proc.returncode == -9

    with app.app_context():
        db.session.remove()
        assert snapshot(db.engine) == before  # every table, row for row
        assert integrity_problems(db.engine) == []

    status, output = run_cli(["import", str(second)], env)
    assert status == 0, output
    assert "imported: all rows written in one transaction" in output
    with app.app_context():
        db.session.remove()
        assert integrity_problems(db.engine) == []
        conn = db.session.connection()
        assert conn.execute(sa.text("SELECT count(*) FROM enterprises")).scalar() == ROWS
        assert conn.execute(sa.text(
            "SELECT count(*) FROM enterprises WHERE address LIKE '禹州市新址路%'")).scalar() == EXISTING
        numbers = conn.execute(sa.text("SELECT filing_number FROM plans WHERE is_current")).scalars()
        serials = sorted(int(n.split("-")[2]) for n in numbers)
        # The killed run's serials were never committed: 1..ROWS without a gap.
        assert serials == list(range(1, ROWS + 1))
        assert conn.execute(sa.text("SELECT max(last_serial) FROM filing_serials")).scalar() == ROWS
