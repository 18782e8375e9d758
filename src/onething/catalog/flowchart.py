"""The flowchart of a guide's items as SVG: columns by precedence depth, arrows for order.

Items with no order between them share a column and run in parallel (并联审批).
"""

from __future__ import annotations

from html import escape

from .guide import Guide

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 200, 64, 60, 18, 16


def _columns(guide: Guide) -> list[list[str]]:
    depth: dict[str, int] = {}
    predecessors = {item.code: item.predecessors for item in guide.items}

    def level(code: str) -> int:
        if code not in depth:
            depth[code] = 1 + max((level(p) for p in predecessors[code]), default=-1)
        return depth[code]

    columns: list[list[str]] = []
    for item in guide.items:
        column = level(item.code)
        while len(columns) <= column:
            columns.append([])
        columns[column].append(item.code)
    return columns


def _wrap(text: str, width: int = 11) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)][:2]


def flowchart_svg(guide: Guide) -> str:
    columns = _columns(guide)
    items = {item.code: item for item in guide.items}
    critical = set(guide.critical_path)
    position: dict[str, tuple[int, int]] = {}
    for col, codes in enumerate(columns):
        for row, code in enumerate(codes):
            position[code] = (PAD + col * (BOX_W + GAP_X), PAD + 30 + row * (BOX_H + GAP_Y))
    width = PAD * 2 + len(columns) * BOX_W + max(len(columns) - 1, 0) * GAP_X
    height = PAD * 2 + 30 + max((len(c) for c in columns), default=0) * (BOX_H + GAP_Y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="flow-title" '
        'class="flowchart">',
        f'<title id="flow-title">{escape(guide.name)} 办理流程图</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#5b6470"/></marker>'
        "</defs>",
    ]
    for col in range(len(columns)):
        x = PAD + col * (BOX_W + GAP_X)
        label = "一次受理后" if col == 0 else f"第{col + 1}步（前序办结后）"
        parts.append(f'<text x="{x}" y="{PAD + 14}" font-size="13" fill="#5b6470">{label}</text>')
    for before, after in guide.precedence:
        (x1, y1), (x2, y2) = position[before], position[after]
        parts.append(
            f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H / 2}" x2="{x2 - 2}" y2="{y2 + BOX_H / 2}" '
            'stroke="#5b6470" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
    for code, (x, y) in position.items():
        item = items[code]
        stroke = "#b8141b" if code in critical else "#9aa3ad"
        parts.append(
            f'<g><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#fff" '
            f'stroke="{stroke}" stroke-width="{2.5 if code in critical else 1.2}"/>'
        )
        for line_no, line in enumerate(_wrap(item.name)):
            parts.append(
                f'<text x="{x + 10}" y="{y + 20 + line_no * 17}" font-size="14" '
                f'fill="#1f2329">{escape(line)}</text>'
            )
        parts.append(
            f'<text x="{x + BOX_W - 8}" y="{y + BOX_H - 6}" font-size="11" fill="#5b6470" '
            f'text-anchor="end">{escape(item.department)} · {item.statutory_days}个工作日</text>'
            "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)
