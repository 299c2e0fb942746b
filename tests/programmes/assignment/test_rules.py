"""Each conflict-of-interest rule, its reason in Chinese, and the three-year window's boundary."""

from nesta.programmes.assignment.rules import AppFacts, ExpertFacts, Job, TeamLine, conflicts, recent

YEAR = 2026


def app(team=()):
    return AppFacts(1, organization_id=10, organization_name="大连理工大学", team=list(team))


def person(pid=100, org=20, jobs=()):
    return ExpertFacts(pid, f"专家{pid}", org, "某单位", list(jobs))


def kinds(result, pair=(1, 100)):
    return sorted(x.kind for x in result.get(pair, []))


def test_current_organisation_is_excluded_with_its_name():
    out = conflicts([app()], [person(org=10)], year=YEAR)
    assert kinds(out) == ["same_org"]
    assert out[(1, 100)][0].reason == "回避：同单位 大连理工大学（现单位）"


def test_past_organisation_within_three_years_names_the_last_year():
    e = person(jobs=[Job(10, "大连理工大学", 2010, 2023)])
    out = conflicts([app()], [e], year=YEAR)
    assert out[(1, 100)][0].reason == "回避：同单位 大连理工大学，至2023年"


def test_window_boundary_three_years_in_four_years_out():
    assert recent(Job(10, "x", 2000, YEAR - 3), YEAR)
    assert not recent(Job(10, "x", 2000, YEAR - 4), YEAR)
    inside = conflicts([app()], [person(jobs=[Job(10, "大连理工大学", 2000, YEAR - 3)])], year=YEAR)
    outside = conflicts([app()], [person(jobs=[Job(10, "大连理工大学", 2000, YEAR - 4)])], year=YEAR)
    assert kinds(inside) == ["same_org"]
    assert outside == {}


def test_open_affiliation_counts_as_current_and_a_future_one_does_not():
    assert kinds(conflicts([app()], [person(jobs=[Job(10, "大连理工大学", 2015, None)])], year=YEAR)) == ["same_org"]
    assert conflicts([app()], [person(jobs=[Job(10, "大连理工大学", YEAR + 1, None)])], year=YEAR) == {}


def test_expert_on_the_team_is_excluded():
    out = conflicts([app([TeamLine(100, 30, "专家100")])], [person(org=40)], year=YEAR)
    assert kinds(out) == ["team_member"]
    assert out[(1, 100)][0].reason == "回避：本人为项目组成员"


def test_colleague_of_a_team_member_is_excluded_with_the_member_named():
    out = conflicts([app([TeamLine(None, 20, "张三")])], [person(org=20)], year=YEAR)
    assert kinds(out) == ["team_colleague"]
    assert out[(1, 100)][0].reason == "回避：项目组成员 张三 为同单位同事"


def test_former_colleague_of_a_team_member_is_not_excluded():
    # the colleague rule reads the expert's current organisation only
    e = person(org=50, jobs=[Job(20, "某单位", 2000, 2010)])
    assert conflicts([app([TeamLine(None, 20, "张三")])], [e], year=YEAR) == {}


def test_declared_and_avoided_pairs_carry_their_reasons():
    out = conflicts(
        [app()],
        [person(), person(pid=101)],
        year=YEAR,
        declarations=[(1, 100, "曾合作发表论文")],
        avoid_requests=[(1, 101, "")],
    )
    assert out[(1, 100)][0].reason == "回避：本人声明（曾合作发表论文）"
    assert out[(1, 101)][0].reason == "回避：申请人申请回避"


def test_unrelated_expert_is_not_excluded_and_pairs_outside_the_sets_are_ignored():
    out = conflicts([app()], [person()], year=YEAR, declarations=[(2, 100, "x")], avoid_requests=[(1, 999, "")])
    assert out == {}


def test_several_rules_on_one_pair_are_all_listed():
    out = conflicts([app([TeamLine(100, 10, "专家100")])], [person(org=10)], year=YEAR, avoid_requests=[(1, 100, "")])
    assert kinds(out) == ["avoid_request", "same_org", "team_member"]
