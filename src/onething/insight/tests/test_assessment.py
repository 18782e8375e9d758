"""The assessment sheet: criteria computed from the data, entered ones with evidence."""

from decimal import Decimal

import pytest

from onething.accounts.models import StaffRole
from onething.cases.tests.factories import PNG
from onething.catalog.models import OneThing
from onething.core.errors import NotFound, PermissionDenied, ValidationFailed
from onething.insight.assessment import assessment_sheet, assessment_sheets, computed_criteria
from onething.insight.models import Assessment, AssessmentEvidence, Criterion
from onething.insight.periods import parse_period
from onething.insight.services import assessment_save, evidence_add, standalone_volume_set
from onething.insight.tests.conftest import JIANGNING, NEWBORN, NEWBORN_JN

Q1 = parse_period("2026Q1")


def scores(sheet):
    return {line.criterion: line.score for line in sheet.lines}


def test_computed_criteria_from_the_quarter(quarter, user):
    # given A and B finished online in Q1 (C at the window, not finished)
    sheet = assessment_sheet(user("supervisor"), NEWBORN, Q1)

    # then
    assert scores(sheet) == {
        "standardization": Decimal(20),  # the published guide has items, materials, limits
        "online": Decimal(20),  # two applications submitted online
        "offline": None,
        "quality": Decimal(16),  # two cases finished; no stand-alone volume: no bonus
        "publicity": None,
        "cooperation": None,
    }
    quality = sheet.line("quality")
    assert any("办结2件" in reason for reason in quality.reasons)
    assert any("未录入" in reason for reason in quality.reasons)
    assert sheet.total == Decimal(56) and not sheet.complete
    assert sheet.line("online").passed is True
    assert any("网上" in reason and "2件" in reason for reason in sheet.line("online").reasons)


def test_the_share_bonus_needs_more_than_ten_percent(quarter, user):
    supervisor = user("supervisor")
    sheet = assessment_sheet(supervisor, NEWBORN, Q1)
    items = computed_criteria([sheet.one_thing], Q1)[sheet.one_thing.pk]["quality"].facts
    one_thing_items = items["one_thing_items"]
    assert one_thing_items > 0

    # a stand-alone volume nine times the one-thing items: exactly 10 %, no bonus
    standalone_volume_set(
        actor=supervisor,
        item_code="002007118001",
        region_code="321183",
        period="2026Q1",
        count=9 * one_thing_items,
    )
    assert assessment_sheet(supervisor, NEWBORN, Q1).line("quality").score == Decimal(16)

    # a smaller one: above 10 %, 4 more points
    standalone_volume_set(
        actor=supervisor,
        item_code="002007118001",
        region_code="321183",
        period="2026Q1",
        count=one_thing_items,
    )
    quality = assessment_sheet(supervisor, NEWBORN, Q1).line("quality")
    assert quality.score == Decimal(20)
    assert any("50.0%" in reason for reason in quality.reasons)


def test_no_applications_no_online_or_quality_points(quarter, user):
    sheet = assessment_sheet(user("supervisor"), "JS-2022-08", Q1)  # 婚姻登记, nobody applied
    assert scores(sheet)["standardization"] == Decimal(20)
    assert scores(sheet)["online"] == Decimal(0)
    assert scores(sheet)["quality"] == Decimal(0)
    assert any("不得分" in reason for reason in sheet.line("online").reasons)


def test_an_unpublished_one_thing_has_no_guide(demo, user):
    # given a copy for 江宁区 that is still a draft
    from onething.catalog.publishing import one_thing_copy_to_region
    from onething.org.models import Region

    copy = one_thing_copy_to_region(
        one_thing=OneThing.objects.get(code=NEWBORN),
        region=Region.objects.get(code=JIANGNING),
        actor=None,
    )
    sheet = assessment_sheet(user("admin"), copy.code, Q1)
    assert scores(sheet)["standardization"] == 0 and scores(sheet)["online"] == 0
    assert "没有已发布的办事指南" in sheet.line("standardization").reasons[0]


def test_a_guide_missing_materials_loses_points(demo, user):
    from onething.catalog.models import OneThingVersion

    version = OneThingVersion.objects.filter(one_thing__code="JS-2022-17").first()
    snapshot = dict(version.snapshot)
    snapshot["items"] = [dict(snapshot["items"][0], materials=[]), *snapshot["items"][1:]]
    OneThingVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)
    line = assessment_sheet(user("supervisor"), "JS-2022-17", Q1).line("standardization")
    assert line.score == Decimal(15) and not line.passed
    assert "申请材料" in line.reasons[0]


def test_saving_the_entered_criteria(quarter, user):
    supervisor = user("supervisor")
    one_thing = OneThing.objects.get(code=NEWBORN)
    assessment_save(
        one_thing=one_thing,
        period=Q1,
        actor=supervisor,
        scores={"offline": "8", "publicity": "15.5", "cooperation": "10", "online": "3"},
        notes={"offline": "华阳街道便民服务中心设专窗", "publicity": "市级报道2篇"},
    )
    stored = Assessment.objects.get(one_thing=one_thing, period="2026Q1")
    assert stored.offline_score == Decimal(8) and stored.publicity_score == Decimal("15.5")
    assert stored.online_score == Decimal(20)  # computed, not what was posted
    assert stored.computed["quality"]["score"] == "16"
    assert stored.assessed_by == supervisor
    sheet = assessment_sheet(supervisor, NEWBORN, Q1)
    assert sheet.total == Decimal("89.5") and sheet.complete
    assert sheet.line("offline").note == "华阳街道便民服务中心设专窗"


def test_every_invalid_score_is_reported_and_nothing_stored(quarter, user):
    one_thing = OneThing.objects.get(code=NEWBORN)
    with pytest.raises(ValidationFailed) as caught:
        assessment_save(
            one_thing=one_thing,
            period=Q1,
            actor=user("supervisor"),
            scores={"offline": "11", "publicity": "abc", "cooperation": "9.25"},
            notes={},
        )
    problems = caught.value.details["problems"]
    assert [p["details"]["criterion"] for p in problems] == ["offline", "publicity", "cooperation"]
    assert "线下专窗" in caught.value.message
    assert not Assessment.objects.exists()


def test_assessments_are_per_quarter(quarter, user):
    with pytest.raises(ValidationFailed):
        assessment_save(
            one_thing=OneThing.objects.get(code=NEWBORN),
            period=parse_period("2026"),
            actor=user("supervisor"),
            scores={},
            notes={},
        )


def test_evidence_is_checked_and_stored(quarter, user):
    supervisor = user("supervisor")
    one_thing = OneThing.objects.get(code=NEWBORN)
    evidence = evidence_add(
        one_thing=one_thing,
        period=Q1,
        criterion="offline",
        filename="专窗照片.png",
        data=PNG,
        actor=supervisor,
    )
    assert evidence.content_type == "image/png" and evidence.name == "专窗照片.png"
    assert evidence.file.read() == PNG
    sheet = assessment_sheet(supervisor, NEWBORN, Q1)
    assert [e.name for e in sheet.line("offline").evidence] == ["专窗照片.png"]
    with pytest.raises(ValidationFailed) as caught:
        evidence_add(
            one_thing=one_thing,
            period=Q1,
            criterion="publicity",
            filename="报道.pdf",
            data=b"MZ\x90\x00",
            actor=supervisor,
        )
    assert caught.value.code == "upload_disguised"
    assert AssessmentEvidence.objects.count() == 1


def test_a_jurong_supervisor_cannot_assess_jiangning(quarter, user, make_staff):
    with pytest.raises(NotFound):
        assessment_sheet(user("supervisor"), NEWBORN_JN, Q1)
    jiangning = make_staff(JIANGNING, "govservice", StaffRole.SUPERVISOR)
    assert assessment_sheet(jiangning, NEWBORN_JN, Q1).one_thing.code == NEWBORN_JN
    with pytest.raises(NotFound):
        assessment_save(
            one_thing=OneThing.objects.get(code=NEWBORN),
            period=Q1,
            actor=jiangning,
            scores={},
            notes={},
        )
    with pytest.raises(PermissionDenied):
        assessment_sheet(user("coord"), NEWBORN, Q1)


def test_the_list_costs_the_same_for_every_one_thing(quarter, user, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        sheets = assessment_sheets(user("supervisor"), Q1)
    assert len(sheets) == 26
    assert all(s.line("standardization").score == 20 for s in sheets)
    newborn = next(s for s in sheets if s.one_thing.code == NEWBORN)
    assert newborn.line("quality").score == 16


def test_criteria_follow_appendix_2():
    from onething.insight.models import MAX_POINTS

    assert [c.label for c in Criterion] == [
        "标准化建设",
        "线上专网",
        "线下专窗",
        "运行质量",
        "宣传报道",
        "工作配合",
    ]
    assert sum(MAX_POINTS.values()) == 100
