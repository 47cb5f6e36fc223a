"""The roadmap as server-side SVG and the "since the strategy was adopted" figures.

Built as strings in Python rather than in a template loop: the roadmap of a large city holds
thousands of bars and milestone marks, and this keeps it fast (see docs/projects.md).
"""

import html
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import CharField, Count, DateField, Func, QuerySet, StringAgg, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncQuarter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Milestone, Project, ProjectQuerySet
from strategy.models import FieldOfAction

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

LABEL_WIDTH = 280
CHART_WIDTH = 720
ROW = 24
HEADER = 28


@dataclass
class RoadmapFigure:
    svg: str  # markup, escaped here
    height: int
    count: int  # projects shown (a project in two lanes counts once)
    width: int = LABEL_WIDTH + CHART_WIDTH + 20


class IsoText(Func):
    """A date (or number) as text: dates as "2025-03-01" on every database.

    Dates travel as ISO text because thousands of them then arrive in one string, skip the
    driver's per-value date converters, and compare as strings in the right order.
    """

    output_field = CharField()
    arity = 1

    def as_sql(
        self,
        compiler: "SQLCompiler",
        connection: "BaseDatabaseWrapper",
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> "_AsSqlType":
        return Cast(self.source_expressions[0], output_field=CharField()).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if isinstance(self.source_expressions[0].output_field, DateField):
            return f"to_char({sql}, 'YYYY-MM-DD')", params  # whatever the server's DateStyle
        return f"({sql})::text", params


def _iso(expression) -> IsoText:
    return IsoText(expression)


def _packed(queryset: QuerySet, *parts) -> str:
    """Rows joined into one string in SQL ("a,b,c;a,b,c"): thousands of rows arrive as one value,
    not as thousands of tuples (which also keeps the garbage collector out of the request)."""
    pieces = [piece for part in parts for piece in (part, Value(","))][:-1]
    return queryset.aggregate(packed=StringAgg(Concat(*pieces), delimiter=Value(";")))["packed"] or ""


def _project_rows(projects: QuerySet[Project]) -> list[tuple[int, str, str, str, str]]:
    """(pk, title, status, start, end) in the queryset's order; start and end as ISO text or ""."""
    return list(
        projects.annotate(
            span_start=Coalesce(_iso(Coalesce("actual_start", "planned_start")), Value("")),
            span_end=Coalesce(_iso(Coalesce("actual_end", "planned_end")), Value("")),
        ).values_list("pk", "title", "status", "span_start", "span_end")
    )


def _lane_fields(projects: QuerySet[Project]) -> dict[int, str]:
    """Project id → the ids of its fields of action as "3,5" (a string per project, not a list)."""
    through = Project.fields_of_action.through.objects.filter(project__in=projects.values("pk"))
    fields: dict[int, str] = {}
    packed = _packed(through, _iso("project_id"), _iso("fieldofaction_id"))
    for pair in packed.split(";") if packed else ():
        project_id, field_id = pair.split(",")
        key = int(project_id)
        fields[key] = f"{fields[key]},{field_id}" if key in fields else field_id
    return fields


def _milestone_paths(projects: QuerySet[Project], x, today: str) -> tuple[dict[int, str], ...]:
    """Per project the path commands of its milestone diamonds, per state (done, open, late).

    The vertical position is left as "@" and filled in for each lane the project appears in.
    """
    rows = Milestone.objects.filter(project__in=projects.values("pk"))
    done: dict[int, str] = defaultdict(str)
    open_: dict[int, str] = defaultdict(str)
    late: dict[int, str] = defaultdict(str)
    packed = _packed(rows, _iso("project_id"), _iso("due_on"), Coalesce(_iso("done_on"), Value("")))
    for item in packed.split(";") if packed else ():
        project_id, due_on, done_on = item.split(",")
        state = done if done_on else (late if due_on < today else open_)
        state[int(project_id)] += f"M{x(done_on or due_on)} @l6 6-6 6-6-6z"
    return done, open_, late


def build_roadmap(projects: QuerySet[Project]) -> RoadmapFigure:
    """The roadmap of these projects as SVG, in five queries however many projects there are.

    One lane per field of action (a project serving two fields appears in both), then the
    projects without one; a bar for the planned or actual duration, diamonds for the milestones
    (reached, open, overdue) and a line for today.
    """
    rows = _project_rows(projects)
    lane_fields = _lane_fields(projects)
    fields = list(FieldOfAction.objects.order_by("position", "title").values_list("pk", "title"))
    lanes: dict[int, list] = {pk: [] for pk, _title in fields}
    rest: list = []
    for row in rows:
        targets = [lanes[int(f)] for f in lane_fields.get(row[0], "").split(",") if f and int(f) in lanes]
        for lane in targets or [rest]:
            lane.append(row)

    today = timezone.localdate()
    today_iso = today.isoformat()
    starts = [row[3] for row in rows if row[3]] or [today_iso]
    ends = [row[4] for row in rows if row[4]] or [(today + timedelta(days=365)).isoformat()]
    first_year = int(min(starts)[:4])
    last_year = max(int(max(ends)[:4]), int(max(starts)[:4])) + 1
    first, last = date(first_year, 1, 1), date(last_year, 1, 1)
    base, scale = first.toordinal(), CHART_WIDTH / ((last - first).days or 1)
    positions: dict[str, str] = {}  # ISO date → x; a city's milestones share far fewer days than marks

    def x(day: str) -> str:
        position = positions.get(day)
        if position is None:
            position = positions[day] = f"{LABEL_WIDTH + scale * (date.fromisoformat(day).toordinal() - base):.1f}"
        return position

    done, open_, late = _milestone_paths(projects, x, today_iso)
    link = reverse("projects:detail", args=[0])[: -len("0/")]
    parts = []
    for year in range(first_year, last_year + 1):
        left = x(f"{year:04d}-01-01")
        parts.append(f'<line x1="{left}" y1="{HEADER - 8}" x2="{left}" y2="100%" class="roadmap-grid"/>')
        if year < last_year:
            parts.append(f'<text x="{float(left) + 4:.1f}" y="{HEADER - 12}" class="roadmap-year">{year}</text>')
    marks: dict[str, list[str]] = {"done": [], "open": [], "late": []}
    y = HEADER
    named = [(title, lanes[pk]) for pk, title in fields] + [(_("Without a field of action"), rest)]
    for title, lane in named:
        if not lane:
            continue
        parts.append(f'<text x="0" y="{y + 16}" class="roadmap-lane">{html.escape(title)}</text>')
        y += ROW
        for pk, name, status, start, end in lane:
            label = html.escape(name if len(name) <= 38 else name[:37] + "…")
            parts.append(f'<a href="{link}{pk}/"><text x="12" y="{y + 15}" class="roadmap-label">{label}</text>')
            if start:
                finish = date.fromisoformat(end).toordinal() if end else today.toordinal()
                width = max(scale * (finish - date.fromisoformat(start).toordinal()), 3)
                parts.append(
                    f'<rect x="{x(start)}" y="{y + 4}" width="{width:.1f}" height="{ROW - 10}" rx="3" '
                    f'class="roadmap-bar roadmap-bar--{status}"/>'
                )
            parts.append("</a>")
            top = str(y + ROW // 2 - 6)
            for state, paths_by_project in (("done", done), ("open", open_), ("late", late)):
                if pk in paths_by_project:
                    marks[state].append(paths_by_project[pk].replace("@", top))
            y += ROW
        y += 8
    # All diamonds of one state form a single path: thousands of marks stay one element.
    for state, paths in marks.items():
        if paths:
            parts.append(f'<path d="{"".join(paths)}" class="roadmap-milestone roadmap-milestone--{state}"/>')
    if first <= today < last:
        now = x(today_iso)
        parts.append(f'<line x1="{now}" y1="{HEADER - 8}" x2="{now}" y2="{y}" class="roadmap-today"/>')
    return RoadmapFigure(svg="".join(parts), height=y + 8, count=len(rows))


@dataclass
class QuarterBar:
    label: str
    count: int
    x: float = 0
    y: float = 0
    height: float = 0


def milestones_per_quarter(projects: QuerySet[Project], since: date) -> list[QuarterBar]:
    rows = (
        Milestone.objects.filter(project__in=projects.values("pk"), done_on__gte=since)
        .annotate(quarter=TruncQuarter("done_on"))
        .values("quarter")
        .annotate(n=Count("pk"))
        .order_by("quarter")
    )
    counts = {row["quarter"]: row["n"] for row in rows}
    bars = []
    current = date(since.year, 3 * ((since.month - 1) // 3) + 1, 1)
    today = timezone.localdate()
    while current <= today:
        bars.append(QuarterBar(f"{current.year} Q{(current.month - 1) // 3 + 1}", counts.get(current, 0)))
        month = current.month + 3
        current = date(current.year + (month > 12), (month - 1) % 12 + 1, 1)
    top = max((b.count for b in bars), default=0) or 1
    width = 600 / max(len(bars), 1)
    for i, bar in enumerate(bars):
        bar.x = round(i * width, 1)
        bar.height = round(160 * bar.count / top, 1)
        bar.y = round(160 - bar.height, 1)
    return bars


def on_track_share(projects: ProjectQuerySet[Project]) -> tuple[int, int, int | None]:
    """(running projects on track, running projects, share in per cent or None), by the one
    definition in `ProjectQuerySet.running()` and `on_track()`."""
    on_track, running = projects.track_counts()
    return on_track, running, round(100 * on_track / running) if running else None


@dataclass
class KpiChart:
    points: str
    dots: list[tuple[float, float, str]]
    baseline_y: float
    target_y: float
    width: int = 520  # room for the "target" label right of the plot (x 462)
    height: int = 160


def kpi_chart(kpi, measurements: list) -> KpiChart | None:
    """A line of the dated measurements between the baseline and the target."""
    if not measurements:
        return None
    values = [float(m.value) for m in measurements] + [float(kpi.baseline), float(kpi.target)]
    low, high = min(values), max(values)
    span = (high - low) or 1
    first, last = measurements[0].measured_on, measurements[-1].measured_on
    days = (last - first).days or 1

    def y(value: float) -> float:
        return round(150 - 140 * (value - low) / span, 1)

    dots = [
        (
            round(20 + 440 * (m.measured_on - first).days / days, 1),
            y(float(m.value)),
            f"{m.measured_on:%d.%m.%Y}: {m.value}",
        )
        for m in measurements
    ]
    return KpiChart(
        points=" ".join(f"{dx},{dy}" for dx, dy, _label in dots),
        dots=dots,
        baseline_y=y(float(kpi.baseline)),
        target_y=y(float(kpi.target)),
    )
