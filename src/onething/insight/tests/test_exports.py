"""The sheet as Excel and PDF, the quarter's summary workbook, and stand-alone volume imports."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from onething.catalog.models import OneThing
from onething.core.errors import PermissionDenied, ValidationFailed
from onething.insight.assessment import assessment_sheet, assessment_sheets
from onething.insight.exports import (
    assessment_pdf,
    assessment_xlsx,
    assessments_xlsx,
    volume_template_xlsx,
)
from onething.insight.models import StandaloneVolume
from onething.insight.periods import parse_period
from onething.insight.services import (
    assessment_save,
    standalone_volume_set,
    standalone_volumes_import,
)
from onething.insight.tests.conftest import NEWBORN

Q1 = parse_period("2026Q1")


@pytest.fixture
def assessed(quarter, user):
    assessment_save(
        one_thing=OneThing.objects.get(code=NEWBORN),
        period=Q1,
        actor=user("supervisor"),
        scores={"offline": "8", "publicity": "15.5", "cooperation": "10"},
        notes={"offline": "华阳街道便民服务中心设专窗"},
    )
    return assessment_sheet(user("supervisor"), NEWBORN, Q1)


def test_the_workbook_reads_back_the_same_numbers(assessed):
    sheet = load_workbook(io.BytesIO(assessment_xlsx(assessed))).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1]}
    for line in assessed.lines:
        _number, _label, points, _rule, basis, score, note = rows[line.label]
        assert points == line.max_points
        assert Decimal(str(score)) == line.score
        assert (note or "") == line.note
        if line.computed:
            assert "按数据计算" in basis
    assert Decimal(str(rows["合计"][5])) == assessed.total == Decimal("89.5")
    assert rows["合计"][2] == 100
    assert "新生儿出生" in sheet["A2"].value and "2026年第一季度" in sheet["A2"].value
    assert sheet["A1"].value == "“一件事一次办”改革工作评价表"
    assert sheet.print_title_rows == "$3:$3"


def test_the_pdf_names_the_one_thing(assessed):
    data = assessment_pdf(assessed)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF")
    assert "新生儿出生" in text and "工作评价表" in text
    assert "89.5" in text


def test_the_summary_workbook_has_one_row_per_one_thing(assessed, user):
    sheets = assessment_sheets(user("supervisor"), Q1)
    book = load_workbook(io.BytesIO(assessments_xlsx(sheets, "句容市", Q1.label))).active
    rows = [row for row in book.iter_rows(min_row=4, values_only=True) if row[0]]
    assert len(rows) == 26
    newborn = next(row for row in rows if row[2] == NEWBORN)
    assert Decimal(str(newborn[9])) == Decimal("89.5") and newborn[10] == "已评完"


def test_the_import_template_imports(demo, user):
    recorded = standalone_volumes_import(actor=user("supervisor"), data=volume_template_xlsx())
    assert recorded == 1
    row = StandaloneVolume.objects.get()
    assert (row.item_code, row.region.code, row.period, row.count) == (
        "002007118001",
        "321183",
        "2026Q1",
        120,
    )
    assert (row.period_start.isoformat(), row.period_end.isoformat()) == (
        "2026-01-01",
        "2026-04-01",
    )


def workbook(*rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["事项编码", "区划代码", "统计期间", "单独办理办件量"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_import_lists_every_problem_and_stores_nothing(demo, user):
    data = workbook(
        ("002007118001", "321183", "2026Q1", 10),
        ("NOPE", "321183", "2026Q1", 10),
        ("002007118001", "999999", "2026Q5", -3),
        ("002007118001", "320115", "2026", 5),  # 江宁区: not the supervisor's
    )
    with pytest.raises(ValidationFailed) as caught:
        standalone_volumes_import(actor=user("supervisor"), data=data)
    problems = caught.value.details["problems"]
    assert [p.split("：")[0] for p in problems] == ["第3行", "第4行", "第5行"]
    assert "NOPE" in problems[0]
    assert "999999" in problems[1] and "2026Q5" in problems[1] and "-3" in problems[1]
    assert "江宁区" in problems[2]
    assert not StandaloneVolume.objects.exists()


def test_reimporting_overwrites_and_only_editors_may(demo, user):
    supervisor = user("supervisor")
    standalone_volumes_import(
        actor=supervisor, data=workbook(("002007118001", "321183", "2026", 5))
    )
    standalone_volumes_import(
        actor=supervisor, data=workbook(("002007118001", "321183", "2026", 7))
    )
    assert list(StandaloneVolume.objects.values_list("count", flat=True)) == [7]
    standalone_volume_set(
        actor=user("editor"),
        item_code="002007118001",
        region_code="321183",
        period="2026-02",
        count=3,
    )
    with pytest.raises(PermissionDenied):
        standalone_volume_set(
            actor=user("approver"),
            item_code="002007118001",
            region_code="321183",
            period="2026",
            count=1,
        )
    with pytest.raises(ValidationFailed):
        standalone_volumes_import(actor=supervisor, data=b"not a workbook")
