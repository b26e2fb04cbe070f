"""Demo data an officer believes (issue #16 §5): names that fit the trade, levels that fit
the industry, drill findings that fit the drill's theme, counter-terrorism drills a
minority, and no "演示账号" written into a name that English pages then show."""
from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa

from registry.demo import HIGH_RISK, INDUSTRIES, NAME_TEMPLATES
from tests.conftest import csrf_token

# The trade each industry's names must show (a 加油站 is named as one, and so on).
TRADE_WORDS = {"化学原料和化学制品制造业": "化工", "医药制造业": "药", "金属制品业": "铸造",
               "金属表面处理及热处理加工": ("电镀", "表面处理"), "皮革、毛皮、羽毛及其制品业": "发制品",
               "纺织业": "纺织", "农副食品加工业": "食品", "废弃资源综合利用业": "再生",
               "电力、热力生产和供应业": ("热电", "热力"), "水的生产和供应业": "污水处理",
               "机动车燃油零售": ("加油站", "石油"), "煤炭开采和洗选业": ("煤业", "矿业"),
               "通用设备制造业": ("机械", "机电"),
               "非金属矿物制品业": ("陶瓷", "钧瓷", "建材", "水泥")}


def test_enterprise_names_and_levels_fit_the_industry(demo, app):
    from registry.extensions import db
    from registry.models import Enterprise, Plan

    assert set(TRADE_WORDS) == set(INDUSTRIES.values()) and set(NAME_TEMPLATES) == set(INDUSTRIES)
    high = {INDUSTRIES[t] for t in HIGH_RISK}
    with app.app_context():
        rows = db.session.execute(sa.select(Enterprise.name, Enterprise.industry, Plan.risk_level)
                                  .join(Plan, sa.and_(Plan.enterprise_id == Enterprise.id, Plan.is_current))
                                  .where(Enterprise.is_demo)).all()
    assert len(rows) == 527
    names = [name for name, _i, _l in rows]
    assert len(set(names)) == len(names)
    for name, industry, level in rows:
        words = TRADE_WORDS[industry]
        assert any(w in name for w in ((words,) if isinstance(words, str) else words)), (name, industry)
        assert name.endswith("（演示）") and not re.search(r"\d{2,}厂", name), name
        assert level == "general" or industry in high, (name, industry, level)
    levels = Counter(level for _n, _i, level in rows)
    assert levels == {"general": 494, "major": 26, "serious": 7}
    # Machinery shops and filling stations exist, and none of them is 较大 or 重大.
    assert {"通用设备制造业", "机动车燃油零售"} <= {i for _n, i, _l in rows}


def test_drill_findings_fit_the_theme_and_counter_terrorism_is_a_minority(demo, app):
    from registry.drills.demo import FINDINGS
    from registry.extensions import db
    from registry.models import CorrectiveAction, Drill

    with app.app_context():
        themes = Counter(db.session.scalars(sa.select(Drill.theme)))
        assert 0 < themes["counter_terrorism"] <= 0.1 * sum(themes.values()), themes
        found = db.session.execute(sa.select(Drill.theme, Drill.title, CorrectiveAction.description)
                                   .join(CorrectiveAction.drill)).all()
    assert found
    for theme, title, description in found:
        problems = {f"{problem}；{measure}" for _c, problem, measure in FINDINGS[theme]}
        assert description in problems, (theme, title, description)
        if theme == "counter_terrorism":
            assert "雨水" not in description and "反恐" in title
    # A drill's title names the enterprise without its company form.
    assert not any("有限公司" in title for _t, title, _d in found)


def test_demo_accounts_are_marked_in_the_interface_language(demo, app, client, accounts):
    from registry.auth.service import set_password
    from registry.extensions import db
    from registry.models import User

    with app.test_request_context(method="POST"):
        users = db.session.scalars(sa.select(User).where(User.is_demo)).all()
        assert users and not any("演示" in (u.display_name or "") for u in users)
        set_password(next(u for u in users if u.username == "xuchang_city"), accounts.password)
        db.session.commit()
    accounts.login(client, "xuchang_city")
    assert 'title="演示账号">演示</span>' in client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/")})
    home = client.get("/").get_data(as_text=True)
    assert 'title="demo account">demo</span>' in home and "演示" not in home.split("</nav>")[0]
    agreements = client.get("/agreements").get_data(as_text=True)
    # Lists are joined as English writes them: "颍河, 双洎河", not "颍河、双洎河".
    assert "<td>颍河, 双洎河</td>" in agreements and "颍河、" not in agreements


def test_demo_resources_include_an_enterprises_own_survey(demo, app):
    """The bureau's reserve and one 禹州 enterprise's own 应急资源调查 rows, all demo-marked."""
    from registry.extensions import db
    from registry.models import EmergencyResource, Enterprise

    with app.app_context():
        rows = db.session.execute(sa.select(EmergencyResource.name, EmergencyResource.is_demo,
                                            Enterprise.county_code, Enterprise.name)
                                  .outerjoin(Enterprise, Enterprise.id == EmergencyResource.enterprise_id)
                                  ).all()
    assert len(rows) == 8 and all(is_demo for _n, is_demo, _c, _e in rows)
    own = [(name, county) for name, _d, county, _e in rows if county]
    assert own == [("应急沙袋（示例）", "411081"), ("潜水泵（示例）", "411081")]
