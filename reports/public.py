"""The public progress site's start page: where the strategy stands, for anyone, in one page."""

from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ideas.models import Idea
from lessons.models import Lesson
from projects import roadmap
from projects.models import Milestone, Project
from reports.charts import field_progress_chart
from reports.content import FieldSummary
from strategy.models import FieldOfAction, Strategy


def progress_home(request: HttpRequest) -> HttpResponse:
    strategy = Strategy.objects.current()
    projects = Project.objects.visible_to(request.user)
    since = strategy.adopted_on if strategy and strategy.adopted_on else None
    bars = roadmap.milestones_per_quarter(projects, since) if since else []
    on_track, active, share = roadmap.on_track_share(projects)
    counts = dict(projects.order_by().values_list("status").annotate(n=Count("pk")))
    fields = _field_summaries(projects)
    context = {
        "strategy": strategy,
        "fields": FieldOfAction.objects.filter(strategy=strategy).order_by("position") if strategy else [],
        "since": since,
        "bars": bars,
        "bar_width": round(600 / max(len(bars), 1) - 6, 1),
        "reached_since": sum(bar.count for bar in bars),
        "on_track": on_track,
        "active": active,
        "share": share,
        "counts": counts,
        "total": sum(counts.values()),
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Project.Status.choices],
        "field_chart": field_progress_chart(fields) if fields else "",
        "field_rows": fields,
        "milestones": Milestone.objects.filter(project__in=projects.values("pk"), done_on__isnull=False)
        .select_related("project")
        .order_by("-done_on", "-pk")[:8],
        "lessons": Lesson.objects.public().select_related("project").order_by("-published_at", "-pk")[:5],
        "ideas": Idea.objects.public().count(),
    }
    return render(request, "reports/home.html", context)


def _field_summaries(projects) -> list[FieldSummary]:
    rows = (
        FieldOfAction.objects.filter(strategy=Strategy.objects.current())
        .annotate(
            n=Count("projects", filter=Q(projects__in=projects.values("pk"))),
            avg=Avg("projects__progress", filter=Q(projects__in=projects.values("pk"))),
        )
        .order_by("position", "title")
        .values_list("title", "n", "avg")
    )
    return [FieldSummary(title, projects=n, progress_sum=round((avg or 0) * n)) for title, n, avg in rows]
