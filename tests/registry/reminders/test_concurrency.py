"""Exactly once under concurrency: two runs at once (threads; two processes running the
CLI) and two deliveries racing without the run lease each send every reminder once."""
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import date
from pathlib import Path

from tests.registry.reminders.conftest import TODAY, file_plan, outbox, run

ROOT = Path(__file__).resolve().parents[3]
PLANS = 6


def _plans(admin_api, accounts):
    for n in range(1, PLANS + 1):
        file_plan(admin_api, n, "2023-09-13")
    accounts.make("officer", ["411081"], email="officer.yuzhou@example.com")


def _expected():
    return sorted([f"contact{n}@example.com" for n in range(1, PLANS + 1)]
                  + ["officer.yuzhou@example.com"] * PLANS)


def test_two_runs_in_threads_send_each_reminder_once(app, smtp, accounts, admin_api, single_mails):
    _plans(admin_api, accounts)
    barrier = threading.Barrier(2)
    summaries, errors = [], []

    def go():
        barrier.wait()
        try:
            summaries.append(run(app))
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sorted(s.sent for s in summaries) == [0, 2 * PLANS]
    assert smtp.recipients() == _expected()


def test_racing_deliveries_without_the_run_lease_claim_disjoint_rows(app, smtp, accounts, admin_api,
                                                                    single_mails):
    from registry.reminders.service import collect_due, deliver_pending, record_due

    _plans(admin_api, accounts)
    with app.app_context():
        record_due(collect_due(date.fromisoformat(TODAY)))
    barrier = threading.Barrier(3)
    sent, errors = [], []

    def go():
        with app.app_context():
            barrier.wait()
            try:
                sent.append(deliver_pending().sent)
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and sum(sent) == 2 * PLANS
    assert smtp.recipients() == _expected()
    assert Counter(r.status for r in outbox(app)) == {"sent": 2 * PLANS}


def test_two_processes_running_the_cli_at_once_send_each_reminder_once(app, smtp, accounts,
                                                                      admin_api, database_url,
                                                                      single_mails):
    _plans(admin_api, accounts)
    env = dict(os.environ, REGISTRY_ENV="development", DATABASE_URL=database_url,
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), SCHEDULER_ENABLED="0",
               MAIL_OUTBOX_DIR=app.config["MAIL_OUTBOX_DIR"], REMINDERS_RUN_WAIT_SECONDS="120")
    command = [sys.executable, "-m", "flask", "--app", "registry", "reminders", "run",
               "--today", TODAY]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    lines = sorted(out.strip().splitlines()[-1] for out, _err in outputs)
    assert lines == ["due 0, sent 0, failed 0, skipped 0",
                     f"due {2 * PLANS}, sent {2 * PLANS}, failed 0, skipped 0"]
    assert smtp.recipients() == _expected()


def test_racing_deliveries_of_digests_send_one_mail_per_recipient(app, smtp, accounts, admin_api):
    """The default: the officer's six reminders are one digest, sent once although three
    deliveries race for it, in batches of two mails (REMINDERS_SEND_BATCH)."""
    from registry.reminders.service import collect_due, deliver_pending, record_due

    app.config["REMINDERS_SEND_BATCH"] = 2
    _plans(admin_api, accounts)
    with app.app_context():
        record_due(collect_due(date.fromisoformat(TODAY)))
    barrier = threading.Barrier(3)
    results, errors = [], []

    def go():
        with app.app_context():
            barrier.wait()
            try:
                results.append(deliver_pending())
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and sum(r.sent for r in results) == 2 * PLANS
    assert sum(r.mails for r in results) == PLANS + 1
    assert smtp.recipients() == sorted([f"contact{n}@example.com" for n in range(1, PLANS + 1)]
                                       + ["officer.yuzhou@example.com"])
    rows = outbox(app, recipient="officer.yuzhou@example.com")
    assert len(rows) == PLANS and len({r.message_id for r in rows}) == 1
