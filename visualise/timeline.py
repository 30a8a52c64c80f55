"""The expiry calendar as a timeline a policy officer reads without tables: one row per
category, one dot per contract at its end date (its size the value, its colour the council),
the groups ending together shaded, and a reorganisation's vesting day as a line. One
self-contained HTML file of inline SVG, whose Content-Security-Policy forbids every request.
"""

from __future__ import annotations

import html
import math
from datetime import date
from pathlib import Path
from typing import Any

WIDTH, LEFT, RIGHT, ROW, TOP = 1180, 300, 30, 34, 60
YEARS = 10
"""Years after the calendar's day that the axis shows; later ends sit at its right edge."""
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39")  # fmt: skip


def timeline_svg(result: dict[str, Any]) -> str:
    """The calendar (``graph.analysis.expiries``' result) as an SVG element."""
    start = date.fromisoformat(result["as_at"])
    ends = [date.fromisoformat(k["end_date"]) for c in result["categories"]
            for k in c["contracts"] if k["end_date"]]  # fmt: skip
    last = min(max(ends, default=start), date(start.year + YEARS, start.month, 1))
    last = max(last, date(start.year + 1, 1, 1))
    span = max((last - start).days, 1)

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * min(max((day - start).days, 0), span) / span

    councils = [c["id"] for c in result["councils"]]
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(councils)}
    rows = result["categories"]
    height = TOP + ROW * len(rows) + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">'
    ]
    for year in range(start.year + 1, last.year + 1):
        gx = x(date(year, 1, 1))
        parts.append(f'<line x1="{gx:.1f}" y1="{TOP - 10}" x2="{gx:.1f}" y2="{height - 60}" '
                     f'stroke="#e0e0e0"/><text x="{gx:.1f}" y="{TOP - 16}" text-anchor="middle" '
                     f'fill="#555">{year}</text>')  # fmt: skip
    for i, category in enumerate(rows):
        y = TOP + ROW * i + ROW / 2
        label = html.escape(_short(category["category"], 44))
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" class="category">'
                     f"{label} ({len(category['contracts'])})</text>")  # fmt: skip
        for group in category["groups"]:
            x0, x1 = x(date.fromisoformat(group["from"])), x(date.fromisoformat(group["to"]))
            parts.append(f'<rect class="group" x="{x0 - 6:.1f}" y="{y - ROW / 2 + 3:.1f}" '
                         f'width="{x1 - x0 + 12:.1f}" height="{ROW - 6}" rx="6" fill="#fde9a9">'
                         f"<title>{html.escape(group['reason'])}</title></rect>")  # fmt: skip
        for contract in category["contracts"]:
            if not contract["end_date"]:
                continue
            end = date.fromisoformat(contract["end_date"])
            buyer = contract["buyers"][0]["id"]
            radius = 3 + min(7.0, math.log10(max(contract["value_gbp"] or 1, 1)) / 1.2)
            who = ", ".join(b["name"] for b in contract["buyers"])
            supplier = ", ".join(s["name"] for s in contract["suppliers"]) or "supplier not given"
            value = f"£{contract['value_gbp']:,.0f}" if contract["value_gbp"] else "value not given"
            later = " (beyond the axis)" if end > last else ""
            tip = html.escape(f"{contract['name']}\n{who}\n{supplier}\nends {end}{later}, {value}")
            parts.append(f'<circle class="contract" cx="{x(end):.1f}" cy="{y:.1f}" '
                         f'r="{radius:.1f}" fill="{colour.get(buyer, "#999")}" '
                         f'fill-opacity="0.75" stroke="#333" stroke-width="0.5">'
                         f"<title>{tip}</title></circle>")  # fmt: skip
    vesting = result["parameters"].get("vesting")
    if vesting:
        vx = x(date.fromisoformat(vesting))
        parts.append(f'<line class="vesting" x1="{vx:.1f}" y1="{TOP - 10}" x2="{vx:.1f}" '
                     f'y2="{height - 60}" stroke="#c00" stroke-dasharray="6 4" stroke-width="2"/>'
                     f'<text x="{vx + 4:.1f}" y="{TOP - 30}" fill="#c00">vesting day {vesting}'
                     "</text>")  # fmt: skip
    legend_y = height - 36
    lx = 10.0
    for council in result["councils"][: len(PALETTE)]:
        name = html.escape(_short(council["name"], 24))
        parts.append(f'<circle cx="{lx + 6:.1f}" cy="{legend_y}" r="6" '
                     f'fill="{colour[council["id"]]}"/><text x="{lx + 16:.1f}" '
                     f'y="{legend_y + 4}">{name}</text>')  # fmt: skip
        lx += 30 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def timeline_html(result: dict[str, Any], title: str) -> str:
    """A page of its own: the title, what the chart shows, and the SVG."""
    vesting = result["parameters"].get("vesting")
    note = (f" The red line is vesting day ({vesting}); {result['live_on_vesting']['contracts']} "
            "contracts are still running then." if vesting else "")  # fmt: skip
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:16px;color:#222}} p{{max-width:60em}}
svg{{max-width:100%;height:auto}} .category{{fill:#222}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>{result["contracts"]} contracts running on {result["as_at"]} or later, by category (rows) and
the day each ends (dots; larger for a larger value, coloured by council). Shaded: contracts of
two or more councils in one category ending within {result["parameters"]["months"]} months of
one another, the moments to buy together.{note} Hover a dot for the contract.</p>
{timeline_svg(result)}
</body></html>
"""


def write_timeline(result: dict[str, Any], title: str, out: Path) -> Path:
    out.write_text(timeline_html(result, title), encoding="utf-8")
    return out


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "\u2026"
