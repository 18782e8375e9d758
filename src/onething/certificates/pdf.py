"""A certificate as a printable PDF: its content, the issuing department's red seal stamped over
the issuer's name and date, and a QR code that opens the public verification page.

The seal and the QR code are drawn as vectors (no image files): the seal is a red ring with the
department's name around the top, a five-pointed star and 电子证照专用章 under it; the QR code
is the module matrix of the ``qrcode`` package. Layout helpers and fonts live in ``core.pdf``.
"""

from __future__ import annotations

import math
from typing import Any

import qrcode
import qrcode.constants
from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from onething.core.pdf import FRAME_WIDTH, build_pdf, draw_text, layout, para, runs, styles, table

from .models import Certificate

SEAL_RED = colors.HexColor("#D7000F")
SEAL_TEXT = "电子证照专用章"


def _date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _char(canvas: Any, ch: str, size: float) -> None:
    """Draw one character centred on the origin, in whichever font has it."""
    font = runs(ch)[0][0] if ch.strip() else runs("章")[0][0]
    canvas.setFont(font, size)
    canvas.drawCentredString(0, 0, ch)


def draw_seal(canvas: Any, cx: float, cy: float, radius: float, name: str) -> None:
    """A round red seal centred on (cx, cy): ``name`` around the top, a star, 电子证照专用章."""
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setStrokeAlpha(0.9)
    canvas.setFillAlpha(0.9)
    ring = radius * 0.06
    canvas.setLineWidth(ring)
    canvas.circle(cx, cy, radius - ring / 2, stroke=1, fill=0)

    # the star: five outer and five inner points, one pointing up
    outer, inner = radius * 0.3, radius * 0.3 * 0.382
    points = []
    for i in range(10):
        angle = math.radians(90 + i * 36)
        r = outer if i % 2 == 0 else inner
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)

    # the name around the top, each character upright towards the rim
    chars = list(name)
    size = radius * 0.24
    text_radius = radius - ring - size * 0.95
    step = math.degrees(size * 1.08 / text_radius)
    span = min(step * (len(chars) - 1), 250.0)
    step = span / (len(chars) - 1) if len(chars) > 1 else 0
    for i, ch in enumerate(chars):
        angle = 90 + span / 2 - i * step
        canvas.saveState()
        canvas.translate(
            cx + text_radius * math.cos(math.radians(angle)),
            cy + text_radius * math.sin(math.radians(angle)),
        )
        canvas.rotate(angle - 90)
        _char(canvas, ch, size)
        canvas.restoreState()

    # 电子证照专用章 straight, under the star
    small = radius * 0.15
    line = canvas.beginText()
    width = 0.0
    for _font, part in runs(SEAL_TEXT):
        width += canvas.stringWidth(part, _font, small)
    line.setTextOrigin(cx - width / 2, cy - radius * 0.55)
    for font, part in runs(SEAL_TEXT):
        line.setFont(font, small)
        line.textOut(part)
    canvas.drawText(line)
    canvas.restoreState()


class StampedIssuer(Flowable):
    """The issuer's name and the date, right-aligned, with the seal stamped over them."""

    def __init__(self, issuer: str, day: str, *, radius: float = 21 * mm) -> None:
        super().__init__()
        self.issuer, self.day, self.radius = issuer, day, radius

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = 2 * self.radius + 2 * mm
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        right = self.width - 4 * mm
        middle = self.height / 2
        draw_text(canvas, right, middle + 2 * mm, self.issuer, size=11, align="right")
        draw_text(canvas, right, middle - 6 * mm, self.day, size=11, align="right")
        draw_seal(canvas, right - 30 * mm, middle, self.radius, self.issuer)


class QRCode(Flowable):
    """A QR code of ``data``, ``size`` wide, with a two-module quiet zone."""

    def __init__(self, data: str, *, size: float = 32 * mm) -> None:
        super().__init__()
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        code.add_data(data)
        code.make(fit=True)
        self.matrix: list[list[bool]] = code.get_matrix()
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas = self.canv
        cell = self.size / len(self.matrix)
        canvas.saveState()
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for row, modules in enumerate(self.matrix):
            y = self.size - (row + 1) * cell
            for column, dark in enumerate(modules):
                if dark:
                    canvas.rect(column * cell, y, cell, cell, stroke=0, fill=1)
        canvas.restoreState()


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate as PDF bytes (A4, fonts embedded), with its seal and QR code."""
    s = styles()
    data = certificate.data
    with translation.override("zh-hans"):
        platform = str(settings.ONETHING_SITE_NAME)
    title = str(data.get("title") or certificate.type.name)
    issued = timezone.localtime(certificate.issued_at)
    rows: list[list[object]] = [
        ["持证人", data.get("holder_name", "")],
        [data.get("holder_id_label", "证件号码"), data.get("holder_id", "")],
    ]
    rows += [[str(label), str(value)] for label, value in data.get("items", [])]
    rows += [
        ["签发机关", data.get("issuer_name", certificate.department.name)],
        ["签发日期", _date(issued)],
        ["有效期至", _date(certificate.valid_until) if certificate.valid_until else "长期"],
    ]
    story: list[Flowable] = [
        para(title, s.title),
        para(f"电子证照　证照编号：{certificate.number}", s.subtitle),
        Spacer(1, 6 * mm),
    ]
    if certificate.status == Certificate.Status.REVOKED:
        revoked = timezone.localtime(certificate.revoked_at or issued)
        story += [
            para(f"本证照已于{_date(revoked)}撤销，不再有效。", s.heading),
            Spacer(1, 2 * mm),
        ]
    story += [
        table(["项目", "内容"], rows, (32, 68)),
        Spacer(1, 8 * mm),
        layout(
            [
                [
                    layout([[QRCode(verify_url)], ["扫码核验真伪"]], [1], s.small, width=34 * mm),
                    StampedIssuer(
                        str(data.get("issuer_name", certificate.department.name)), _date(issued)
                    ),
                ]
            ],
            [36 * mm, FRAME_WIDTH - 36 * mm],
        ),
        Spacer(1, 6 * mm),
        para(
            "本电子证照由签发机关以电子印章（SM2 数字签名，SM3 摘要）签发。"
            "扫描二维码，或在平台“电子证照核验”页面输入证照编号，即可核验真伪和状态。",
            s.small,
        ),
        para(f"核验地址：{verify_url}", s.small),
        para(f"SM3 摘要：{certificate.digest}", s.small),
    ]
    return build_pdf(
        story,
        title=f"{title} {certificate.number}",
        subject=f"{title}（电子证照）",
        author=str(data.get("issuer_name", certificate.department.name)),
        header_left=platform,
        header_right="电子证照",
        footer_left=f"证照编号 {certificate.number}",
    )
