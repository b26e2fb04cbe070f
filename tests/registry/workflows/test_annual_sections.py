"""The annual figures' agreements, drills and corrective-actions sections: the paragraph
in the bureau's report wording with exact numbers for a built year, the tables behind it,
the caller's counties, the .docx read back, and the demo's 2023 (the seed report's year)."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.registry.agreements.payloads import luohe, zhoukou
from tests.registry.drills.conftest import action_payload, drill_payload, filed  # noqa: F401

# Today is pinned to 2026-06-15, so 2025 is a finished year (figures as of 2025-12-31).

PINGDINGSHAN = {"title": "平顶山市—许昌市北汝河上下游突发水污染事件联防联控协议", "rivers": ["北汝河"],
                "signed_on": "2022-05-01", "renewal_on": "2025-04-20", "expires_on": "2028-04-30",
                "sections": [], "notification_triggers": "北汝河交界断面水质异常",
                "notification_channel": "值班电话通报",
                "parties": [{"city_name": "平顶山市", "environment_department": "平顶山市生态环境局",
                             "river_roles": [{"river": "北汝河", "role": "upstream"}]}]}


def _step(action_id: int, *moves):
    """Move an action along its statuses on the given days (as officers did then)."""
    from registry.drills.actions import update_action
    from registry.drills.schemas import ActionPatch
    from registry.permissions import SYSTEM

    for status, day in moves:
        evidence = "整改记录及照片" if status == "done" else None
        update_action(SYSTEM, action_id, ActionPatch(status=status, evidence=evidence),
                      today=date.fromisoformat(day))


@pytest.fixture
def year_2025(app, filed):  # noqa: F811 (the imported fixture, requested by name)
    """2025 in 禹州 (411081), 襄城 (411025) and the city: four drills (and one in 2024),
    their findings in every state, and three agreements (one signed, one renewed in 2025)."""
    from registry.agreements.schemas import AgreementIn
    from registry.agreements.service import create_agreement
    from registry.drills.actions import add_action
    from registry.drills.schemas import ActionIn, DrillIn
    from registry.drills.service import create_drill
    from registry.permissions import SYSTEM

    yuzhou = filed["411081"][0]["id"]
    with app.test_request_context(method="POST"):  # writes: not a read-only GET
        for payload in (PINGDINGSHAN, luohe(), zhoukou()):
            create_agreement(SYSTEM, AgreementIn(**payload))

        def drill(**kw):
            return create_drill(SYSTEM, DrillIn(**drill_payload(**kw))).id

        def action(drill_id, category, due_on, *moves):
            a = add_action(SYSTEM, drill_id, ActionIn(**action_payload(
                category=category, due_on=due_on, description=f"{category} {due_on}")))
            _step(a.id, *moves)

        county = drill(held_on="2025-04-10")  # 禹州, 水污染, 综合·实战
        xiangcheng = drill(title="襄城县反恐应急演练", held_on="2025-05-15", county_code="411025",
                           content_type=None, form_type=None, legacy_type="tabletop",
                           theme="counter_terrorism")
        city = drill(title="许昌市反恐应急演练", held_on="2025-09-01", organiser_level="city",
                     county_code=None, content_type="single", form_type="tabletop",
                     theme="counter_terrorism")
        own = drill(title="华通化工突发环境事件应急演练", held_on="2025-11-20",
                    organiser_level="enterprise", enterprise_ids=[yuzhou], theme="environmental")
        last_year = drill(title="禹州市2024年应急演练", held_on="2024-10-10", theme="environmental")
        assert xiangcheng
        # Found in 2024: verified in 2025; still open and overdue at the end of 2025.
        action(last_year, "plan", "2024-12-31", ("in_progress", "2025-01-05"),
               ("done", "2025-01-20"), ("verified", "2025-02-01"))
        action(last_year, "equipment", "2025-01-31")
        # Found in 2025: verified in 2025; in progress and overdue; not yet due.
        action(county, "equipment", "2025-06-30", ("in_progress", "2025-05-01"),
               ("done", "2025-06-20"), ("verified", "2025-07-01"))
        action(county, "training", "2025-12-15", ("in_progress", "2025-11-01"))
        action(county, "coordination", "2026-01-31")
        # Done but not verified (not overdue); verified only in 2026.
        action(own, "equipment", "2025-12-20", ("in_progress", "2025-12-01"),
               ("done", "2025-12-18"))
        action(city, "organisation", "2026-03-01", ("in_progress", "2026-01-10"),
               ("done", "2026-02-10"), ("verified", "2026-02-20"))
        from registry.extensions import db

        db.session.commit()


PLANS_2025 = ("2025年，督促指导企业及时修编环境应急预案，全年新增环境风险企业预案备案2家、修订后重新备案0家。"
              "截至2025年底，全市共完成环境风险企业预案备案2家，其中一般风险等级2家，较大风险等级0家，"
              "重大环境风险等级0家。")
AGREEMENTS_2025 = ("与周口市生态环境部门签订《上下游突发水污染事件联防联控工作协议》，"
                   "与平顶山市续签上下游突发水污染事件联防联控协议，"
                   "截至2025年底，与平顶山、漯河、周口等市签订的3份上下游联防联控协议均在有效期内。")
DRILLS_2025 = ("全市全年先后组织并参加反恐应急演练、突发环境事件应急演练、水污染应急演练等各类演练4次，"
               "其中市级组织1次、县级组织2次、企业组织1次，查找处置突发环境事件存在的短板，"
               "提升环境应急处突能力。")
ACTIONS_2025 = ("针对演练发现的问题，全年制定整改措施5项，完成整改并验收销号2项；截至2025年底，"
                "尚有5项整改未完成验收，其中2项已超过整改期限，正督促责任单位限期整改到位。")


def _login(client, accounts, role, counties=()):
    _id, name = accounts.make(role, counties)
    accounts.login(client, name)
    return client


def _paragraph(page: str) -> str:
    return re.search(r'id="annual-paragraph">(.*?)</p>', page, re.S).group(1)


def _table(page: str, title: str) -> list[list[str]]:
    block = page[page.index(f"· {title}</h2>"):]
    block = block[:block.index("</table>")]
    return [re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", block, re.S)]


def test_city_wide_paragraph_and_tables(client, accounts, year_2025):
    admin = _login(client, accounts, "admin")
    page = admin.get("/annual?year=2025").get_data(as_text=True)
    assert _paragraph(page) == PLANS_2025 + AGREEMENTS_2025 + DRILLS_2025 + ACTIONS_2025
    assert _table(page, "演练发现问题整改情况（按问题类别）") == [
        ["问题类别", "年内新增", "年内验收销号", "未完成验收", "其中逾期"],
        ["预案", "0", "1", "0", "0"], ["组织指挥", "1", "0", "1", "0"],
        ["装备物资", "2", "1", "2", "1"], ["培训", "1", "0", "1", "1"],
        ["协调联动", "1", "0", "1", "0"], ["合计", "5", "2", "5", "2"]]
    assert _table(page, "应急演练（按演练主题）") == [
        ["演练主题", "次数"], ["反恐", "2"], ["突发环境事件", "1"], ["水污染", "1"], ["合计", "4"]]
    assert _table(page, "应急演练（按组织层级）")[1:] == [
        ["县（市、区）级", "2"], ["市级", "1"], ["企业", "1"], ["合计", "4"]]
    assert _table(page, "应急演练（按演练形式）")[-1] == ["合计", "4"]
    agreements = _table(page, "上下游突发水污染事件联防联控协议")
    assert [(r[1], r[4]) for r in agreements[1:]] == [
        ("平顶山市", "续签、有效"), ("漯河市", "有效"), ("周口市", "新签、有效")]
    # Last year beside this year, by the same section functions run for 2024.
    compared = {row[0]: row[1:] for row in _table(page, "与上年对比")}
    assert compared["指标"] == ["2025年", "2024年", "增减"]
    assert compared["有效联防联控协议涉及城市（个）"] == ["3", "2", "+1"]
    assert compared["应急演练（次）"] == ["4", "1", "+3"]
    assert compared["演练发现问题（项）"] == ["5", "2", "+3"]
    assert compared["验收销号（项）"] == ["2", "0", "+2"]


def test_a_county_officer_sees_their_county_and_the_city(client, accounts, year_2025):
    officer = _login(client, accounts, "officer", ["411025"])
    paragraph = _paragraph(officer.get("/annual?year=2025").get_data(as_text=True))
    assert ("辖区内全年先后组织并参加反恐应急演练2次，其中市级组织1次、县级组织1次，"
            "查找处置突发环境事件存在的短板，提升环境应急处突能力。") in paragraph
    assert paragraph.endswith("针对演练发现的问题，全年制定整改措施1项；截至2025年底，尚有1项整改未完成验收，"
                              "正督促责任单位限期整改到位。")


def test_earlier_year_and_the_year_still_running(client, accounts, year_2025):
    admin = _login(client, accounts, "admin")
    paragraph = _paragraph(admin.get("/annual?year=2024").get_data(as_text=True))
    assert ("与漯河市生态环境部门签订《上下游突发水污染事件联防联控工作协议》，截至2024年底，"
            "与平顶山、漯河等市签订的2份上下游联防联控协议均在有效期内。") in paragraph
    assert "全市全年先后组织并参加突发环境事件应急演练1次，查找处置" in paragraph
    # Both found in 2024 and due on or after its last day: open, not yet overdue then.
    assert paragraph.endswith("针对演练发现的问题，全年制定整改措施2项；截至2024年底，尚有2项整改未完成验收，"
                              "正督促责任单位限期整改到位。")
    # 2026 runs until today: 年内, 截至6月15日; the 2026 verification counts.
    paragraph = _paragraph(admin.get("/annual?year=2026").get_data(as_text=True))
    assert "年内完成整改并验收销号1项；截至2026年6月15日，尚有4项整改未完成验收，其中3项已超过整改期限" in paragraph


def test_docx_holds_the_paragraph_and_every_table(client, accounts, year_2025, tmp_path):
    admin = _login(client, accounts, "admin")
    r = admin.get("/annual/2025.docx")
    assert r.status_code == 200
    assert "环境应急管理工作情况" in r.headers["Content-Disposition"] or \
        "%E7%8E%AF%E5%A2%83" in r.headers["Content-Disposition"]
    (tmp_path / "annual.docx").write_bytes(r.data)
    document = Document(str(tmp_path / "annual.docx"))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "许昌市2025年环境应急管理工作情况"
    assert texts[1] == PLANS_2025 + AGREEMENTS_2025 + DRILLS_2025 + ACTIONS_2025
    captions = [t for t in texts if t.startswith("表")]
    assert captions == ["表1  按环境风险等级", "表2  按县（市、区）", "表3  上下游突发水污染事件联防联控协议",
                        "表4  应急演练（按演练主题）", "表5  应急演练（按组织层级）",
                        "表6  应急演练（按演练形式）", "表7  演练发现问题整改情况（按问题类别）",
                        "表8  与上年对比"]
    actions = document.tables[6]
    assert [c.text for c in actions.rows[0].cells] == ["问题类别", "年内新增", "年内验收销号", "未完成验收",
                                                      "其中逾期"]
    assert [c.text for c in actions.rows[-1].cells] == ["合计", "5", "2", "5", "2"]
    cells = [c.text for c in document.tables[2].rows[3].cells]
    assert cells[1:5] == ["周口市", "2025-01-10", "2029-12-31", "新签、有效"]
    # Issue #22: which of the eight elements it covers (notice triggers and sections only).
    assert cells[5] == "2/8，缺：协作机制、研判预警、联合监测、协同处置、纠纷调处、应急保障"
    # The workbook holds the same agreements table, text as text.
    book = load_workbook(io.BytesIO(admin.get("/annual/2025.xlsx").data))
    sheet = book["表3 上下游突发水污染事件联防联控协议"]
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == \
        [[c.text for c in row.cells] for row in document.tables[2].rows]


def test_an_english_page_keeps_the_report_in_chinese(client, accounts, year_2025):
    from tests.conftest import csrf_token

    admin = _login(client, accounts, "admin")
    admin.post("/lang/en", data={"csrf_token": csrf_token(admin, "/"), "next": "/annual"})
    page = admin.get("/annual?year=2025").get_data(as_text=True)
    assert "Paragraph for the annual report" in page
    assert _paragraph(page).endswith(ACTIONS_2025) and "应急演练（按演练主题）" in page
    assert "<td>反恐</td>" in page


def test_demo_2023_reads_as_the_seed_report(app, client, accounts, runner):
    """The seed report's year: 41 drills, agreements signed with the three neighbours."""
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    admin = _login(client, accounts, "admin")
    page = admin.get("/annual?year=2023").get_data(as_text=True)
    paragraph = _paragraph(page)
    assert "与漯河、周口、平顶山等市生态环境部门签订《上下游突发水污染事件联防联控工作协议》" in paragraph
    # The sentence names the most frequent themes; counter-terrorism drills, which the seed
    # report names too, are a minority of the demo's (issue #16 §5) and stand in the table.
    assert re.search(r"全市全年先后组织并参加[^。]*突发环境事件应急演练[^。]*等各类演练41次", paragraph)
    themes = _table(page, "应急演练（按演练主题）")
    assert themes[-1] == ["合计", "41"] and ["反恐", "3"] in themes, themes
    with app.app_context():
        from registry.drills.annual import action_figures
        from registry.permissions import SYSTEM

        figures = action_figures(SYSTEM, 2023, date(2023, 12, 31))
    opened = sum(c["opened"] for c in figures.values())
    assert opened > 0 and f"全年制定整改措施{opened}项" in paragraph


def test_an_incidents_findings_count_beside_the_drills(client, accounts, year_2025, admin_api):
    """Issue #21: problems an incident exposed are corrective actions too; the annual
    paragraph names both sources and a table splits them."""
    from tests.registry.incidents.conftest import incident_payload

    incident = admin_api.post("/incidents", json=incident_payload(
        reported_at="2025-08-01T10:00:00+08:00")).json
    r = admin_api.post(f"/incidents/{incident['id']}/close", json={"findings": [
        {"description": "下游拦截闸启闭不及时", "category": "equipment", "due_on": "2025-09-01"}]})
    assert r.status_code == 200, r.json
    page = _login(client, accounts, "admin").get("/annual?year=2025").get_data(as_text=True)
    assert _paragraph(page).endswith(
        "针对应急演练和突发环境事件处置中发现的问题，全年制定整改措施6项，完成整改并验收销号2项；"
        "截至2025年底，尚有6项整改未完成验收，其中3项已超过整改期限，正督促责任单位限期整改到位。")
    assert _table(page, "演练及事件处置发现问题整改情况（按问题类别）")[3] == ["装备物资", "3", "1", "3", "2"]
    assert _table(page, "发现问题整改情况（按来源）") == [
        ["问题来源", "年内新增", "年内验收销号", "未完成验收", "其中逾期"],
        ["应急演练", "5", "2", "5", "2"], ["突发环境事件处置", "1", "0", "1", "1"]]
    # The year before knows nothing of it.
    assert "突发环境事件处置" not in _paragraph(
        client.get("/annual?year=2024").get_data(as_text=True))
