"""Survey results: counts per option and scale value in a fixed number of queries, drawn as SVG bars."""

from dataclasses import dataclass, field
from typing import cast

from django.db.models import Count

from surveys.models import SCALE_VALUES, Answer, Question, Survey

BAR_HEIGHT = 24
BAR_GAP = 8
CHART_WIDTH = 480


@dataclass
class Bar:
    label: str
    count: int
    percent: float
    y: float = 0
    width: float = 0


@dataclass
class QuestionResult:
    question: Question
    answered: int
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    texts: list[Answer] = field(default_factory=list)
    text_total: int = 0

    @property
    def chart_height(self) -> int:
        return len(self.bars) * (2 * BAR_HEIGHT + BAR_GAP)


def _layout(bars: list[Bar], base: int) -> list[Bar]:
    top = max((b.count for b in bars), default=0) or 1
    for i, bar in enumerate(bars):
        bar.percent = round(100 * bar.count / base, 1) if base else 0.0
        bar.y = i * (2 * BAR_HEIGHT + BAR_GAP) + BAR_HEIGHT
        bar.width = round((CHART_WIDTH - 80) * bar.count / top, 1)
    return bars


def survey_results(survey: Survey, *, texts_per_question: int = 5) -> list[QuestionResult]:
    questions = list(survey.questions.prefetch_related("choices"))
    by_choice = dict(
        Answer.objects.filter(question__survey=survey, choice__isnull=False)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .values_list("choice", "n")
    )
    by_value: dict[tuple[int, int], int] = {
        (q, cast(int, v)): n  # a value: the query leaves out answers without one
        for q, v, n in Answer.objects.filter(question__survey=survey, value__isnull=False)
        .values_list("question", "value")
        .annotate(n=Count("pk"))
        .values_list("question", "value", "n")
    }
    answered = dict(
        Answer.objects.filter(question__survey=survey)
        .values_list("question")
        .annotate(n=Count("response", distinct=True))
        .values_list("question", "n")
    )
    results = []
    for question in questions:
        result = QuestionResult(question=question, answered=answered.get(question.pk, 0))
        if question.has_choices:
            bars = [Bar(choice.label, by_choice.get(choice.pk, 0), 0) for choice in question.choices.all()]
            result.bars = _layout(bars, result.answered)
        elif question.kind == Question.Kind.SCALE:
            counts = {v: by_value.get((question.pk, v), 0) for v in SCALE_VALUES}
            labels = {1: question.scale_low, 5: question.scale_high}
            bars = [Bar(f"{v} – {labels[v]}" if labels.get(v) else str(v), counts[v], 0) for v in SCALE_VALUES]
            result.bars = _layout(bars, result.answered)
            total = sum(counts.values())
            result.mean = round(sum(v * n for v, n in counts.items()) / total, 2) if total else None
        else:
            result.text_total = result.answered
            if texts_per_question:
                result.texts = list(
                    Answer.objects.filter(question=question)
                    .exclude(text="")
                    .select_related("idea")
                    .order_by("-pk")[:texts_per_question]
                )
        results.append(result)
    return results
