"""受理通知书, 补正告知书 and 不予受理通知书 as PDFs: real PDFs whose text can be extracted."""

import io

import pytest
from pypdf import PdfReader

from onething.cases import notices
from onething.cases.services import application_accept, application_refuse, correction_issue
from onething.core.errors import NotFound


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_the_acceptance_notice(submit, user, on_a_workday):
    application = submit()
    application_accept(application=application, actor=user("clerk"))
    application.refresh_from_db()
    text = text_of(notices.notice_pdf(application, "acceptance"))
    assert "受理通知书" in text and application.number in text
    assert "张三" in text and "新生儿出生" in text
    assert "出生医学证明首次签发" in text and "句容市公安局" in text
    assert "句容市卫生健康委员会" in text
    due = application.due_date
    assert f"{due.year}年{due.month}月{due.day}日" in text


def test_the_acceptance_notice_without_a_known_calendar_says_so(submit, user, monkeypatch):
    from onething.catalog import guide as guide_module
    from onething.core.workdays import WorkCalendarUnknown

    application = submit()
    application_accept(application=application, actor=user("clerk"))
    application.refresh_from_db()
    application.due_date = None

    def unknown(start, days):
        raise WorkCalendarUnknown(code="x", message="尚未收录法定节假日安排", message_en="")

    monkeypatch.setattr(guide_module, "add_working_days", unknown)
    text = text_of(notices.acceptance_pdf(application))
    assert "尚未收录法定节假日安排" in text


def test_the_correction_notice_lists_every_deficiency(submit, user):
    application = submit()
    correction_issue(
        application=application,
        actor=user("clerk"),
        deficiencies=[
            {"kind": "field", "target": "child_name", "item": "出生登记", "reason": "姓名有错别字"},
            {
                "kind": "material",
                "target": "近期免冠证件照片",
                "item": "社会保障卡申领",
                "reason": "照片背景应为白色",
            },
        ],
    )
    text = text_of(notices.notice_pdf(application, "correction"))
    assert "补正告知书" in text and application.number in text
    assert "新生儿姓名" in text and "姓名有错别字" in text and "出生登记" in text
    assert "近期免冠证件照片" in text and "照片背景应为白色" in text
    assert "社会保障卡申领" in text and "2处" in text


def test_the_refusal_notice_gives_the_reason(submit, user):
    application = submit()
    application_refuse(
        application=application, actor=user("clerk"), reason="申请事项不属于本地管辖"
    )
    application.refresh_from_db()
    text = text_of(notices.notice_pdf(application, "refusal"))
    assert "不予受理通知书" in text and application.number in text
    assert "申请事项不属于本地管辖" in text and "行政复议" in text


def test_a_notice_that_does_not_exist_is_not_found(submit):
    application = submit()
    for kind in ("acceptance", "correction", "refusal", "other"):
        with pytest.raises(NotFound):
            notices.notice_pdf(application, kind)
    assert notices.available(application) == []
