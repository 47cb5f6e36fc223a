"""Server-side SVG charts for reports and the public start page: no JavaScript, printable, in the PDF."""

from django.utils.html import escape
from django.utils.translation import gettext as _


def field_progress_chart(fields: list) -> str:
    """One horizontal bar per field of action: the average progress of its projects."""
    row_height, label_width, bar_width = 28, 260, 300
    height = row_height * max(len(fields), 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_width + bar_width + 60} {height}" '
        f'width="100%" role="img" aria-label="{escape(_("Average progress per field of action"))}" class="report-chart">'
    ]
    for index, summary in enumerate(fields):
        y = 5 + index * row_height
        width = round(bar_width * summary.progress / 100, 1)
        parts.append(
            f'<text x="0" y="{y + 17}" font-size="13" fill="currentColor">{escape(summary.title[:40])}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="18" fill="#E6E8EF"/>'
            f'<rect x="{label_width}" y="{y + 4}" width="{width}" height="18" fill="#1D4E8F"/>'
            f'<text x="{label_width + bar_width + 8}" y="{y + 17}" font-size="13" fill="currentColor">{summary.progress} %</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def milestone_chart(reached: int, missed: int) -> str:
    """Milestones reached and missed in the period as two bars."""
    if reached + missed == 0:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 420 40" width="100%" role="img" '
            f'aria-label="{escape(_("No milestones were due or reached in this period."))}" class="report-chart">'
            '<rect x="0" y="8" width="400" height="24" fill="#E6E8EF"/></svg>'
        )
    total = reached + missed
    label = escape(_("Milestones: %(reached)s reached, %(missed)s missed") % {"reached": reached, "missed": missed})
    reached_width = round(400 * reached / total, 1)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 420 40" width="100%" role="img" aria-label="{label}" '
        f'class="report-chart"><rect x="0" y="8" width="400" height="24" fill="#B3261E"/>'
        f'<rect x="0" y="8" width="{reached_width}" height="24" fill="#1B7A3D"/></svg>'
    )
