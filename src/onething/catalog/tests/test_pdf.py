"""The printable 一次性告知书: a real PDF with the CJK font embedded and both scripts readable."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest

from onething.catalog.guide import Guide, compute_guide
from onething.catalog.models import OneThingVersion
from onething.catalog.pdf import guide_pdf
from onething.core.pdf import CJK_FONT, LATIN_FONT, mixed, runs
from onething.core.workdays import overrides_changed

GENERATED = dt.datetime(2025, 6, 3, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _guide(seq: int, start: dt.date) -> tuple[Guide, str]:
    version = OneThingVersion.objects.select_related("one_thing").get(one_thing__seq=seq)
    guide = compute_guide(version.snapshot, version=version.number, start=start)
    return guide, version.one_thing.name


def _text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_runs_split_scripts_and_mixed_escapes():
    assert runs("出生登记 No.3 <户口>") == [
        (CJK_FONT, "出生登记 "),
        (LATIN_FONT, "No.3 <"),
        (CJK_FONT, "户口"),
        (LATIN_FONT, ">"),
    ]
    markup = mixed("A&B\n证照")
    assert f'<font name="{LATIN_FONT}">A&amp;B</font><br/>' in markup
    assert f'<font name="{CJK_FONT}">证照</font>' in markup


@pytest.fixture
def newborn(catalog) -> tuple[Guide, str, bytes]:
    overrides_changed()
    guide, name = _guide(7, dt.date(2025, 6, 3))
    data = guide_pdf(guide, one_thing_name=name, region_name="句容市", generated_at=GENERATED)
    return guide, name, data


def test_newborn_pdf_embeds_the_cjk_font(newborn):
    _, _, data = newborn
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data  # an embedded TrueType font program
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DroidSansFallback", data)  # as a subset


def test_newborn_pdf_text(newborn):
    guide, name, data = newborn
    text = _text(data)
    assert name == "新生儿出生"
    assert f"“{name}”一次性告知书" in text
    assert "句容市" in text
    # Latin letters and digits come out in Helvetica, next to the Chinese.
    assert guide.due is not None
    assert f"{guide.due.year}年{guide.due.month}月{guide.due.day}日" in text
    assert f"自受理之日起 {guide.statutory_days} 个法定工作日内办结" in text
    assert "000709105001" in text and "432036006W03" in text
    assert "JS-2022-07" in text
    # every item, every material to submit, every exempt material with its reason
    for item in guide.items:
        assert item.department in text
    for material in guide.materials_to_submit:
        assert material.name[:6] in text
    assert "免于提交的材料" in text
    assert "可调取电子证照“居民身份证”" in text
    assert "免费" in text
    assert "社会保障卡" in text  # a result
    assert "官方公布" in text and "checklistId" in text
    assert "12345" in text
    assert "第 1 页 共" in text


def test_unknown_work_calendar_still_renders_with_the_note(catalog):
    overrides_changed()
    guide, name = _guide(1, dt.date(2099, 3, 2))
    assert guide.due is None and guide.due_note
    data = guide_pdf(guide, one_thing_name=name, region_name="句容市", generated_at=GENERATED)
    assert data.startswith(b"%PDF")
    text = _text(data)
    assert f"“{name}”一次性告知书" in text
    assert "2099" in text and "法定节假日安排" in text
    if guide.official is None:
        assert "官方公布" not in text
