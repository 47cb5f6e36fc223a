"""The sources this app registers itself: ideas, projects and the strategy (text, fields of action, goals).

Other apps register their own in their AppConfig.ready() (see docs/search.md for lessons).
"""

from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, Moderation
from projects.models import Project
from search.models import Audience
from search.registry import Entry, Source, register
from strategy.models import FieldOfAction, GlossaryEntry, Goal, Strategy


def idea_entry(idea: Idea) -> Entry | None:
    # Unconfirmed, waiting and hidden ideas are not found by anyone: the idea pool shows them.
    if idea.moderation != Moderation.PUBLISHED:
        return None
    return Entry(
        title=idea.title,
        body=idea.description,
        url=idea.get_absolute_url(),
        audience=Audience.PUBLIC,
        status=idea.status,
        field_ids=[idea.field_of_action_id] if idea.field_of_action_id else [],
        date=idea.submitted_at,
    )


def project_entry(project: Project) -> Entry:
    return Entry(
        title=project.title,
        body=f"{project.summary}\n{project.description}",
        url=project.get_absolute_url(),
        audience=Audience.PUBLIC if project.is_public else Audience.INTERNAL,
        status=project.status,
        field_ids=[f.pk for f in project.fields_of_action.all()],
        date=project.updated_at,
    )


def strategy_entry(strategy: Strategy) -> Entry:
    glossary = "\n".join(f"{e.term}: {e.definition}" for e in strategy.glossary_entries.all())
    return Entry(
        title=strategy.title,
        body=f"{strategy.summary}\n{strategy.vision}\n{glossary}",
        url=strategy.get_absolute_url(),
        audience=Audience.PUBLIC,
        date=strategy.updated_at,
    )


def field_entry(field: FieldOfAction) -> Entry:
    return Entry(
        title=field.title,
        body=field.description,
        url=field.get_absolute_url(),
        audience=Audience.PUBLIC,
        field_ids=[field.pk],
    )


def goal_entry(goal: Goal) -> Entry:
    return Entry(
        title=goal.title,
        body=f"{goal.description}\n{goal.indicator}",
        url=goal.get_absolute_url(),
        audience=Audience.PUBLIC,
        field_ids=[goal.field_id],
    )


def register_builtin_sources() -> None:
    register(
        Source(
            kind="idea",
            label=_("idea"),
            plural=_("ideas"),
            model=Idea,
            queryset=lambda: Idea.objects.defer("embedding", "sparse_terms", "search_stems"),
            entry=idea_entry,
            statuses=lambda: dict(Idea.Status.choices),
            indexed_fields=frozenset(
                [
                    "title",
                    "description",
                    "status",
                    "moderation",
                    "field_of_action",
                    "field_of_action_id",
                    "submitted_at",
                ]
            ),
        )
    )
    register(
        Source(
            kind="project",
            label=_("project"),
            plural=_("projects"),
            model=Project,
            queryset=lambda: Project.objects.prefetch_related("fields_of_action"),
            entry=project_entry,
            statuses=lambda: dict(Project.Status.choices),
            indexed_fields=frozenset(["title", "summary", "description", "status", "visibility"]),
            m2m=("fields_of_action",),
        )
    )
    register(
        Source(
            kind="strategy",
            label=_("strategy"),
            plural=_("strategy"),
            model=Strategy,
            queryset=lambda: Strategy.objects.prefetch_related("glossary_entries"),
            entry=strategy_entry,
            related={GlossaryEntry: lambda entry: Strategy.objects.filter(pk=entry.strategy_id)},
        )
    )
    register(
        Source(
            kind="field",
            label=_("field of action"),
            plural=_("fields of action"),
            model=FieldOfAction,
            queryset=FieldOfAction.objects.all,
            entry=field_entry,
        )
    )
    register(
        Source(
            kind="goal",
            label=_("goal"),
            plural=_("goals"),
            model=Goal,
            queryset=Goal.objects.all,
            entry=goal_entry,
        )
    )
