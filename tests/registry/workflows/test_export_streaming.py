"""Exports stream (issue #18): the CSV is sent batch by batch as the rows are read, the
.xlsx is a write-only workbook, and neither holds the whole list in memory."""
from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import date

from openpyxl import load_workbook
from pydantic import BaseModel

from registry.workflows import exports
from registry.workflows.exports import Column, ExportSpec
from tests.conftest import enterprise_payload, plan_payload


class _NoQuery(BaseModel):
    pass


def _spec(count: int, pulled: list) -> ExportSpec:
    """A list of ``count`` generated rows; ``pulled`` counts the rows read so far."""
    def rows(_actor, _query):
        for n in range(count):
            pulled.append(n)
            yield n

    return ExportSpec(
        name="numbers", title="数字", query=_NoQuery, locale=None, rows=rows, columns=(
            Column("名称", lambda n: f"许昌市第{n}号企业有限公司"),
            Column("公式", lambda n: "=1+1" if n % 2 else "@SUM(A1)"),
            Column("日期", lambda n: date(2026, 1, 1 + n % 28)),
            Column("数", lambda n: n),
        ) + tuple(Column(f"列{i}", lambda n, i=i: f"{i}-{n}") for i in range(8)))


def test_csv_is_sent_as_the_rows_are_read(app):
    pulled: list = []
    with app.test_request_context():
        body = exports.to_csv(_spec(3 * exports.CSV_BATCH_ROWS + 7, pulled), None, _NoQuery())
        assert pulled == []  # nothing read before the response is sent
        first = next(body)
        assert len(pulled) <= exports.CSV_BATCH_ROWS + 1  # one batch read, not the list
        text = (first + b"".join(body)).decode("utf-8")
    assert text.startswith("\ufeff名称,公式,日期,数")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 3 * exports.CSV_BATCH_ROWS + 7 + 1
    assert rows[2][:4] == ["许昌市第1号企业有限公司", "'=1+1", "2026-01-02", "1"]


def test_xlsx_is_written_in_bounded_memory_and_reads_back(app, tmp_path):
    count = 5_000
    with app.test_request_context():
        tracemalloc.start()
        try:
            with open(tmp_path / "n.xlsx", "wb") as out:
                exports.write_xlsx(_spec(count, []), None, _NoQuery(), out)
            _now, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # The write-only sheet goes to a temporary file as it is written; a workbook held in
    # memory keeps an object per cell (60,000 here) until it is saved.
    assert peak < 6 * 2**20, f"peak {peak / 2**20:.1f} MB"
    sheet = load_workbook(tmp_path / "n.xlsx", read_only=False).active
    assert sheet.title == "数字" and sheet.max_row == count + 1
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.auto_filter.ref == f"A1:L{count + 1}"
    assert sheet.column_dimensions["A"].width >= 2 * 10  # CJK counted double, from the sample
    assert sheet["B3"].value == "=1+1" and sheet["B3"].data_type == "s"  # text, not a formula
    assert sheet["C2"].number_format == "yyyy-mm-dd" and sheet["C2"].value.date() == date(2026, 1, 1)


def test_exports_are_streamed_responses(client, accounts, admin_api):
    for n in (1, 2):
        e = admin_api.post("/enterprises", json=enterprise_payload(n)).json
        admin_api.post("/plans", json=plan_payload(e["id"]))
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    for fmt in ("csv", "xlsx"):
        for register in ("enterprises", "plans"):
            response = client.get(f"/export/{register}.{fmt}")
            assert response.status_code == 200 and response.is_streamed, (register, fmt)
            assert response.data  # read to the end, which closes the stream
    rows = list(csv.reader(io.StringIO(client.get("/export/enterprises.csv").data.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[1][-1] == "已备案"


def test_a_register_longer_than_a_cursor_batch_streams_whole(client, accounts, admin_api,
                                                             monkeypatch):
    """The rows come from a server-side cursor (PostgreSQL) read batch by batch while the
    response is sent: the cursor must outlive the view's transaction."""
    from registry.enterprises import service

    for n in range(1, 8):
        admin_api.post("/enterprises", json=enterprise_payload(n))
    monkeypatch.setattr(service, "EXPORT_BATCH_ROWS", 2)
    monkeypatch.setattr(exports, "CSV_BATCH_ROWS", 3)
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    response = client.get("/export/enterprises.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert response.status_code == 200 and len(rows) == 8
    assert sorted(r[1] for r in rows[1:]) == sorted(
        enterprise_payload(n)["credit_code"] for n in range(1, 8))
