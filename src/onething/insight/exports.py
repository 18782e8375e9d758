"""The assessment sheet as a government workbook (openpyxl) and as a printable PDF (core.pdf),
the quarter's summary workbook, and the import template for stand-alone volumes.

The workbook follows the look of the printed 附件2 table: a merged title, the one-thing and the
quarter, a ruled table (序号 · 考核项目 · 分值 · 评价细则 · 评价依据 · 得分 · 说明), a total row,
the notes of the original and a signature line; A4, fitted to the page width, the header row
repeated on every printed page. Scores are numbers, so the sheet reads back exactly.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from onething.core.pdf import build_pdf, layout, para, styles, table

from .assessment import Line, Sheet
from .services import IMPORT_COLUMNS

TITLE = "“一件事一次办”改革工作评价表"
SOURCE = "依据：句协调办发〔2023〕1号 附件2《“一件事一次办”改革工作评价暂行办法》"
NOTES = [
    "1. “一件事一次办”考核评价采取百分制，相应总分折算后将应用于高质量发展、综合效能考核等指标。",
    "2. 标注“按数据计算”的项目由平台依据已发布的办事指南和办件数据计算，"
    "其余项目由评价人依据佐证材料评分。",
    "3. “一件事一次办”模式运行比例 = 按一件事模式办理的事项数 ÷（该数 + 各事项单独办理办件量）；"
    "单独办理办件量由各部门录入或导入，平台只掌握“一件事”申请。",
]
HEADER = ["序号", "考核项目", "分值", "评价细则", "评价依据", "得分", "说明"]
WIDTHS = [6, 12, 7, 42, 46, 8, 28]
SONG = "宋体"
HEI = "黑体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _score_text(score: Decimal | None) -> str:
    return "—" if score is None else f"{score:.1f}".removesuffix(".0")


def _basis(line: Line) -> str:
    parts = []
    if line.computed:
        parts.append("【按数据计算】" + "".join(line.reasons))
    if line.evidence:
        parts.append("佐证材料：" + "、".join(e.name for e in line.evidence))
    elif not line.computed:
        parts.append(f"佐证材料：未上传（应提供{line.evidence_hint}）")
    return "\n".join(parts)


def _assessor(sheet: Sheet) -> tuple[str, str]:
    assessment = sheet.assessment
    if assessment is None or assessment.assessed_at is None:
        return "", ""
    who = str(assessment.assessed_by) if assessment.assessed_by else ""
    return who, _date(timezone.localtime(assessment.assessed_at).date())


# ---------------------------------------------------------------- Excel


def _title(ws: Worksheet, row: int, text: str, columns: int, *, size: int, bold: bool) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(name=HEI if bold else SONG, size=size, bold=bold)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _header(ws: Worksheet, row: int, header: Sequence[str]) -> None:
    for column, text in enumerate(header, 1):
        cell = ws.cell(row=row, column=column, value=text)
        cell.font = Font(name=HEI, size=11, bold=True)
        cell.fill, cell.border, cell.alignment = HEAD_FILL, BOX, CENTRE


def _body(ws: Worksheet, row: int, values: Sequence[Any], centred: Sequence[int]) -> None:
    for column, value in enumerate(values, 1):
        cell = ws.cell(row=row, column=column, value=value)
        cell.font = Font(name=SONG, size=10.5)
        cell.border = BOX
        cell.alignment = CENTRE if column in centred else WRAP
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            cell.number_format = "0.0" if isinstance(value, Decimal) else "0"


def _page(ws: Worksheet, header_row: int, widths: Sequence[int], *, landscape: bool) -> None:
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _platform() -> str:
    with translation.override("zh-hans"):
        return str(settings.ONETHING_SITE_NAME)


def assessment_xlsx(sheet: Sheet) -> bytes:
    """One one-thing's sheet for one quarter (in Chinese, whatever the page language)."""
    with translation.override("zh-hans"):
        return _assessment_xlsx(sheet)


def _assessment_xlsx(sheet: Sheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet.period.code
    columns = len(HEADER)
    _title(ws, 1, TITLE, columns, size=18, bold=True)
    ws.row_dimensions[1].height = 34
    _title(
        ws,
        2,
        f"“一件事”名称：{sheet.one_thing.name}（{sheet.one_thing.code}）　　"
        f"考核季度：{sheet.period.label}　　地区：{sheet.one_thing.region.name}",
        columns,
        size=11,
        bold=False,
    )
    header_row = 3
    _header(ws, header_row, HEADER)
    row = header_row
    for number, line in enumerate(sheet.lines, 1):
        row += 1
        _body(
            ws,
            row,
            [
                number,
                line.label,
                line.max_points,
                line.rule,
                _basis(line),
                line.score if line.score is not None else "—",
                line.note,
            ],
            centred=(1, 2, 3, 6),
        )
        ws.row_dimensions[row].height = max(48, 15 * (1 + len(_basis(line)) // 30))
    row += 1
    _body(
        ws,
        row,
        [
            "",
            "合计",
            sheet.max_total,
            "",
            "" if sheet.complete else "尚有项目未评分",
            sheet.total,
            "",
        ],
        centred=(1, 2, 3, 6),
    )
    for column in (2, 3, 6):
        ws.cell(row=row, column=column).font = Font(name=HEI, size=11, bold=True)
    row += 2
    for note in ["注：", *NOTES]:
        _title(ws, row, note, columns, size=10, bold=False)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 30 if len(note) > 60 else 18
        row += 1
    who, when = _assessor(sheet)
    row += 1
    _title(
        ws,
        row,
        f"评价人：{who or '________'}　　评价日期：{when or '____年__月__日'}　　"
        f"导出：{_platform()} {timezone.localtime():%Y-%m-%d %H:%M}",
        columns,
        size=10,
        bold=False,
    )
    _page(ws, header_row, WIDTHS, landscape=True)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    return _save(wb, title=f"{sheet.one_thing.name} {sheet.period.label} {TITLE}")


SUMMARY_HEADER = [
    "序号",
    "“一件事”",
    "编码",
    "标准化建设(20)",
    "线上专网(20)",
    "线下专窗(10)",
    "运行质量(20)",
    "宣传报道(20)",
    "工作配合(10)",
    "合计(100)",
    "状态",
]


def assessments_xlsx(sheets: Sequence[Sheet], title_region: str, period_label: str) -> bytes:
    """The quarter's summary: one row per one-thing."""
    with translation.override("zh-hans"):
        return _assessments_xlsx(sheets, title_region, period_label)


def _assessments_xlsx(sheets: Sequence[Sheet], title_region: str, period_label: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    columns = len(SUMMARY_HEADER)
    _title(ws, 1, f"{title_region}“一件事一次办”改革工作评价汇总表", columns, size=16, bold=True)
    _title(ws, 2, f"考核季度：{period_label}　　{SOURCE}", columns, size=10, bold=False)
    _header(ws, 3, SUMMARY_HEADER)
    for number, sheet in enumerate(sheets, 1):
        _body(
            ws,
            3 + number,
            [
                number,
                sheet.one_thing.name,
                sheet.one_thing.code,
                *[line.score if line.score is not None else "—" for line in sheet.lines],
                sheet.total,
                "已评完" if sheet.complete else "未评完",
            ],
            centred=(1, 3, 4, 5, 6, 7, 8, 9, 10, 11),
        )
    _page(ws, 3, [6, 22, 14, 10, 10, 10, 10, 10, 10, 10, 9], landscape=True)
    return _save(wb, title=f"{title_region} {period_label} 评价汇总表")


def volume_template_xlsx() -> bytes:
    """The import template for stand-alone volumes, with one example row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "单独办理办件量"
    _title(ws, 1, "政务服务事项单独办理办件量", len(IMPORT_COLUMNS), size=14, bold=True)
    _title(
        ws,
        2,
        "说明：统计期间写 2026（全年）、2026Q1（季度）或 2026-03（月份）；"
        "办件量为该事项不按“一件事”、单独办理的件数。示例行请替换。",
        len(IMPORT_COLUMNS),
        size=10,
        bold=False,
    )
    ws.row_dimensions[2].height = 36
    _header(ws, 3, IMPORT_COLUMNS)
    _body(ws, 4, ["002007118001", "321183", "2026Q1", 120], centred=(2, 3, 4))
    _page(ws, 3, [18, 12, 12, 18], landscape=False)
    return _save(wb, title="单独办理办件量导入模板")


def _save(wb: Workbook, *, title: str) -> bytes:
    wb.properties.title = title
    wb.properties.creator = "OneThing"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- PDF


def assessment_pdf(sheet: Sheet) -> bytes:
    """The sheet as a printable A4 PDF (in Chinese, whatever the page language)."""
    with translation.override("zh-hans"):
        return _assessment_pdf(sheet)


def _assessment_pdf(sheet: Sheet) -> bytes:
    s = styles()
    platform = _platform()
    rows = []
    for number, line in enumerate(sheet.lines, 1):
        rows.append(
            [
                str(number),
                line.label + ("\n（按数据计算）" if line.computed else ""),
                str(line.max_points),
                _basis(line) + (f"\n说明：{line.note}" if line.note else ""),
                _score_text(line.score),
            ]
        )
    rows.append(
        [
            "",
            "合计",
            str(sheet.max_total),
            "" if sheet.complete else "尚有项目未评分",
            _score_text(sheet.total),
        ]
    )
    who, when = _assessor(sheet)
    meta = s.plain.clone("meta", fontSize=9.5, leading=14)
    story: list[Flowable] = [
        para(TITLE, s.title),
        layout(
            [
                [f"“一件事”名称：{sheet.one_thing.name}", f"考核季度：{sheet.period.label}"],
                [f"编码：{sheet.one_thing.code}", f"地区：{sheet.one_thing.region.name}"],
            ],
            [60, 40],
            meta,
        ),
        Spacer(1, 4 * mm),
        table(
            ["序号", "考核项目", "分值", "评价依据与说明", "得分"],
            rows,
            (8, 22, 10, 95, 12),
            center=(0, 1, 2, 4),
        ),
        Spacer(1, 3 * mm),
        *[para(note, s.small) for note in ["注：", *NOTES]],
        Spacer(1, 8 * mm),
        KeepTogether(
            [
                layout(
                    [[f"评价人：{who or '_' * 12}", f"评价日期：{when or '_' * 12}"]],
                    [1, 1],
                    s.plain.clone("signature", leading=24),
                )
            ]
        ),
    ]
    return build_pdf(
        story,
        title=f"{sheet.one_thing.name} {sheet.period.label} {TITLE}",
        subject=SOURCE,
        author=platform,
        header_left=platform,
        header_right=TITLE,
        footer_left=f"{sheet.one_thing.code} · {sheet.period.code} · "
        f"生成于 {timezone.localtime():%Y-%m-%d %H:%M}",
    )
