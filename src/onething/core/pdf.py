"""Printable PDFs (告知书, 回执, 证明): fonts, mixed-script markup, styles and A4 pages.

The shipped CJK font (``fonts/DroidSansFallbackFull.ttf``, embedded as a subset) has no Latin
letters, digits or curly quotes, so text is cut into runs: characters the CJK font draws go in
it, everything else in reportlab's built-in Helvetica. ``mixed`` returns such runs as escaped
``Paragraph`` markup; ``build_pdf`` lays flowables out on A4 with a running header and a
"第 N 页 共 M 页" footer.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

CJK_FONT = "DroidSansFallback"
LATIN_FONT = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DroidSansFallbackFull.ttf"

PAGE_SIZE = A4
MARGIN_LEFT = 25 * mm  # room for binding or a hole punch
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 25 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_PADDING = 6  # reportlab's default padding inside the page frame
TEXT_LEFT = MARGIN_LEFT + FRAME_PADDING
TEXT_RIGHT = PAGE_SIZE[0] - MARGIN_RIGHT - FRAME_PADDING
FRAME_WIDTH = TEXT_RIGHT - TEXT_LEFT  # the width text and tables can use
RULE_GREY = colors.HexColor("#555555")
HEAD_FILL = colors.HexColor("#EEEEEE")
# Characters neither font draws, with a look-alike that one of them does.
SUBSTITUTES = str.maketrans({"\u3008": "<", "\u3009": ">", "\u2329": "<", "\u232a": ">"})

_lock = threading.Lock()
_cjk_codepoints: frozenset[int] | None = None


def register_fonts() -> frozenset[int]:
    """Register the CJK font once per process; return the code points it can draw."""
    global _cjk_codepoints
    if _cjk_codepoints is None:
        with _lock:
            if _cjk_codepoints is None:
                font = TTFont(CJK_FONT, str(FONT_PATH))
                pdfmetrics.registerFont(font)
                # Spaces are drawn by whichever font the run around them uses.
                _cjk_codepoints = frozenset(font.face.charToGlyph) - {0, 0x20, 0xA0}
    return _cjk_codepoints


def runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """Split ``text`` into (font name, text) runs; spaces join the run before them."""
    cjk = register_fonts()
    latin = LATIN_BOLD if bold else LATIN_FONT
    result: list[tuple[str, str]] = []
    for char in text.translate(SUBSTITUTES):
        if char.isspace() and result:
            font = result[-1][0]
        else:
            font = CJK_FONT if ord(char) in cjk else latin
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + char)
        else:
            result.append((font, char))
    return result


def mixed(text: object, *, bold: bool = False) -> str:
    """Escaped ``Paragraph`` markup for plain ``text``, one ``<font>`` tag per script run.

    Line breaks in ``text`` become ``<br/>``.
    """
    lines = str(text).split("\n")
    return "<br/>".join(
        "".join(
            f'<font name="{font}">{escape(part)}</font>' for font, part in runs(line, bold=bold)
        )
        for line in lines
    )


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    plain: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    right: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    base = ParagraphStyle(
        "base", fontName=CJK_FONT, fontSize=10.5, leading=16, wordWrap="CJK", alignment=TA_LEFT
    )

    def style(name: str, **kwargs: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kwargs)

    return Styles(
        title=style("title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm),
        subtitle=style("subtitle", fontSize=9.5, leading=14, alignment=TA_CENTER),
        heading=style(
            "heading",
            fontSize=13,
            leading=19,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
            keepWithNext=1,
        ),
        body=style("body", firstLineIndent=21, spaceAfter=1.5 * mm),  # 首行缩进两字
        plain=style("plain"),
        small=style("small", fontSize=8.5, leading=12, textColor=colors.HexColor("#333333")),
        cell=style("cell", fontSize=9, leading=13),
        cell_head=style("cell_head", fontSize=9, leading=13, alignment=TA_CENTER),
        right=style("right", alignment=2),  # TA_RIGHT
    )


def para(text: object, style: ParagraphStyle | None = None, *, bold: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped and split into font runs)."""
    return Paragraph(mixed(text, bold=bold), style or styles().body)


def _scale(weights: Sequence[float], width: float) -> list[float]:
    total = sum(weights)
    return [width * w / total for w in weights]


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    weights: Sequence[float],
    *,
    center: Sequence[int] = (),
    width: float = FRAME_WIDTH,
) -> Table:
    """A ruled table ``width`` wide; cells are wrapped paragraphs, the header repeats on
    every page.

    ``weights`` are the relative column widths; ``center`` lists the indexes of the columns
    whose cells are centred (numbers, short codes). Cells may also be flowables.
    """
    s = styles()
    centred = ParagraphStyle("cell_centre", parent=s.cell, alignment=TA_CENTER)
    data: list[list[Any]] = [[Paragraph(mixed(h), s.cell_head) for h in header]]
    for row in rows:
        data.append(
            [
                cell
                if isinstance(cell, Flowable)
                else para(cell, centred if i in center else s.cell)
                for i, cell in enumerate(row)
            ]
        )
    result = Table(data, colWidths=_scale(weights, width), repeatRows=1, hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RULE_GREY),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return result


def layout(
    rows: Sequence[Sequence[object]],
    weights: Sequence[float],
    style: ParagraphStyle | None = None,
    *,
    width: float = FRAME_WIDTH,
) -> Table:
    """A borderless grid of text or flowables ``width`` wide, to line up short facts side
    by side; ``weights`` are the relative column widths."""
    data = [
        [
            cell if isinstance(cell, Flowable) else para(cell, style or styles().plain)
            for cell in row
        ]
        for row in rows
    ]
    result = Table(data, colWidths=_scale(weights, width), hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return result


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, *, size: float = 8, align: str = "left"
) -> None:
    """Draw one line of mixed text on a canvas; ``align`` is left, centre or right of ``x``."""
    parts = runs(text)
    width = sum(pdfmetrics.stringWidth(part, font, size) for font, part in parts)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    line = canvas.beginText(x, y)  # one text object, so the line extracts as one string
    for font, part in parts:
        line.setFont(font, size)
        line.textOut(part)
    canvas.drawText(line)


class _NumberedCanvas(Canvas):
    """Defers pages until the end so each footer can say how many pages there are."""

    header_left = ""
    header_right = ""
    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        left, right = TEXT_LEFT, TEXT_RIGHT
        top, bottom = PAGE_SIZE[1] - MARGIN_TOP + 5 * mm, MARGIN_BOTTOM - 10 * mm
        self.saveState()
        self.setFillColor(RULE_GREY)
        self.setStrokeColor(RULE_GREY)
        self.setLineWidth(0.5)
        draw_text(self, left, top + 2 * mm, self.header_left)
        draw_text(self, right, top + 2 * mm, self.header_right, align="right")
        self.line(left, top, right, top)
        self.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        draw_text(self, left, bottom, self.footer_left)
        draw_text(self, right, bottom, f"第 {self._pageNumber} 页 共 {total} 页", align="right")
        self.restoreState()


def build_pdf(
    flowables: Sequence[Flowable],
    *,
    title: str,
    header_left: str = "",
    header_right: str = "",
    footer_left: str = "",
    author: str = "",
    subject: str = "",
) -> bytes:
    """Lay ``flowables`` out on A4 pages with a header rule and a numbered footer."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="OneThing",
        lang="zh-CN",
    )
    canvas_class = type(
        "PageCanvas",
        (_NumberedCanvas,),
        {"header_left": header_left, "header_right": header_right, "footer_left": footer_left},
    )
    doc.build(list(flowables), canvasmaker=canvas_class)
    return buffer.getvalue()
