"""The overview figures: share of provided services at level 3 or higher by topic and per quarter.

Both are drawn as server-side SVG; the templates repeat every number in a table.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from service_inventory.models import ONLINE_LEVEL, LevelChange, LocalService

BAR_WIDTH = 360  # px for 100 %
PLOT_WIDTH, PLOT_HEIGHT, PLOT_LEFT, PLOT_TOP = 600, 200, 44, 12


@dataclass
class TopicShare:
    topic: str
    provided: int
    online: int
    share: float = 0.0
    width: float = 0.0
    y: int = 0


def share_by_topic(*, no_topic: str) -> list[TopicShare]:
    """Per Themenfeld: provided services and how many of them are at level 3 or higher."""
    rows = (
        LocalService.objects.filter(provided=True)
        .values("service__ozg__themenfeld")
        .annotate(provided=Count("pk"), online=Count("pk", filter=Q(level__gte=ONLINE_LEVEL)))
        .order_by()
    )
    shares = [TopicShare(r["service__ozg__themenfeld"] or no_topic, r["provided"], r["online"]) for r in rows]
    for item in shares:
        item.share = round(100 * item.online / item.provided, 1) if item.provided else 0.0
    shares.sort(key=lambda s: (-s.share, s.topic))
    for i, item in enumerate(shares):
        item.width = round(BAR_WIDTH * item.share / 100, 1)
        item.y = i * 32
    return shares


@dataclass
class QuarterShare:
    label: str
    counted: int
    online: int
    share: float = 0.0
    x: float = 0.0
    y: float = 0.0


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(day: date) -> date:
    month = day.month + 3
    return date(day.year + (month > 12), (month - 1) % 12 + 1, 1)


def progress_by_quarter(*, today: date | None = None) -> list[QuarterShare]:
    """For each quarter since the first recorded level: the share of services at level 3+ at its end.

    A service counts from its first recorded level on; services no longer provided are left out.
    """
    today = today or timezone.localdate()
    rows = (
        LevelChange.objects.filter(local__provided=True)
        .order_by("local_id", "changed_on", "pk")
        .values_list("local_id", "changed_on", "level")
    )
    history: dict[int, list[tuple[date, int]]] = defaultdict(list)
    first = None
    for local_id, changed_on, level in rows:
        history[local_id].append((changed_on, level))
        first = changed_on if first is None or changed_on < first else first
    if first is None:
        return []
    quarters = []
    start = _quarter_start(first)
    while start <= today:
        quarters.append(start)
        start = _next_quarter(start)
    ends = [_next_quarter(q) for q in quarters]  # a level counts for a quarter if reached before its end
    counted, online = [0] * len(quarters), [0] * len(quarters)
    for changes in history.values():
        i = 0
        reached: int | None = None
        for q, end in enumerate(ends):
            while i < len(changes) and changes[i][0] < end:
                reached = changes[i][1]
                i += 1
            if reached is not None:
                counted[q] += 1
                online[q] += reached >= ONLINE_LEVEL
    result = [
        QuarterShare(f"{q.year} Q{(q.month - 1) // 3 + 1}", counted[n], online[n]) for n, q in enumerate(quarters)
    ]
    step = PLOT_WIDTH / max(len(result) - 1, 1)
    for n, item in enumerate(result):
        item.share = round(100 * item.online / item.counted, 1) if item.counted else 0.0
        item.x = round(PLOT_LEFT + n * step, 1)
        item.y = round(PLOT_TOP + PLOT_HEIGHT * (1 - item.share / 100), 1)
    return result


def progress_polyline(points: list[QuarterShare]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points)


def progress_grid() -> list[tuple[int, float]]:
    """(per cent, y) of the horizontal grid lines."""
    return [(pct, round(PLOT_TOP + PLOT_HEIGHT * (1 - pct / 100), 1)) for pct in (0, 25, 50, 75, 100)]
