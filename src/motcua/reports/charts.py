"""Server-rendered SVG charts (no JavaScript); every chart is shown next to a table of its data."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 36, 28, 12


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "%") -> SafeString:
    """Vertical bars on a 0-100 scale (percentages), a missing value drawn as an empty slot."""
    count = max(1, len(values))
    slot = (WIDTH - LEFT - 8) / count
    plot = HEIGHT - BOTTOM - TOP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for tick in (0, 50, 100):
        y = TOP + plot * (1 - tick / 100)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">{tick}{escape(unit)}</text>')
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + index * slot
        if value is not None:
            height = plot * max(0.0, min(100.0, value)) / 100
            parts.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{TOP + plot - height:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{height:.1f}" class="bar"><title>{escape(label)}: {value}{escape(unit)}</title></rect>'
            )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" class="tick">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
