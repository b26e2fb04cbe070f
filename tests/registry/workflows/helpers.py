"""Real .xlsx and .csv registers written with openpyxl / csv, as officers keep them."""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from tests.conftest import credit_code

HEADERS = ["企业名称", "统一社会信用代码", "所在县（市、区）", "详细地址", "经度", "纬度", "行业类别",
           "联系人", "联系电话", "电子邮箱", "是否跨区域", "预案名称", "签署发布日期", "备案日期",
           "备案编号", "环境风险等级", "备案文件"]


def row(n: int, county: str = "禹州市", **overrides) -> dict:
    code = {"禹州市": "411081", "长葛市": "411082", "魏都区": "411002", "襄城县": "411025"}.get(
        county, "411081")
    # A point inside the county (the import checks it): its seat.
    lon, lat = {"411081": (113.47, 34.17), "411082": (113.77, 34.22), "411002": (113.82, 34.03),
                "411025": (113.48, 33.85)}[code]
    values = {
        "企业名称": f"许昌市瑞丰化工有限公司{n}号厂", "统一社会信用代码": credit_code(n, code),
        "所在县（市、区）": county, "详细地址": f"{county}示范路{n}号", "经度": lon, "纬度": lat,
        "行业类别": "化学原料和化学制品制造业", "联系人": "王伟", "联系电话": "13812345678",
        "电子邮箱": f"c{n}@example.com", "是否跨区域": "否",
        "预案名称": "突发环境事件应急预案（2023年版）", "签署发布日期": "2023-05-04",
        "备案日期": "2023-05-18", "备案编号": None, "环境风险等级": "一般", "备案文件": "齐全",
    }
    values.update(overrides)
    return values


def write_xlsx(path: Path, rows: list[dict], headers: list[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    book.save(path)
    return path


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for values in rows:
            writer.writerow(["" if values.get(h) is None else values.get(h) for h in HEADERS])
    return path


EXCEL_DATE = datetime(2023, 5, 4)
