"""Chart geometry for the dashboard (plain SVG numbers, no script)."""

from __future__ import annotations

from typing import Any


def bar_chart(items: list[tuple[str, int]], width: int = 520, bar_h: int = 18) -> dict[str, Any]:
    """Geometry of a horizontal SVG bar chart (drawn by the template)."""
    top = max((v for _, v in items), default=0) or 1
    label_w = 170
    bars = [
        {
            "label": label,
            "value": value,
            "y": i * (bar_h + 6),
            "w": round((width - label_w - 50) * value / top, 1),
        }
        for i, (label, value) in enumerate(items)
    ]
    return {
        "bars": bars,
        "width": width,
        "height": max(1, len(bars)) * (bar_h + 6),
        "bar_h": bar_h,
        "label_w": label_w,
    }
