"""All answers of a survey as CSV or XLSX: one row per response, one column per question; and the
personal links of a survey as CSV.

Rows are numbered 1, 2, 3 … in the order of the responses' keys, which are random (or keyed
hashes of random browser values): neither the database ids nor the order of arrival show, so
an export cannot be lined up with the order in which invitations were used or people logged
in. Only the day of each answer is known and exported.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from core.exports import Table
from core.links import absolute_url
from surveys.models import Answer, Question, Response, Survey


def _header(questions: list[Question]) -> list[str]:
    return [_("Response"), _("Submitted on"), *[q.text for q in questions]]


def _rows(survey: Survey, questions: list[Question]) -> Iterator[list]:
    """Answers are read in the responses' order alongside the responses, so memory stays flat."""
    order = ("response__respondent_key", "response_id", "question_id", "choice__position", "pk")
    answers = (
        Answer.objects.filter(response__survey=survey)
        .select_related("choice")
        .order_by(*order)
        .iterator(chunk_size=5000)
    )
    pending = next(answers, None)
    responses = Response.objects.filter(survey=survey).order_by("respondent_key", "pk").iterator(chunk_size=2000)
    for number, response in enumerate(responses, start=1):
        cells: dict[int, list[str]] = {}
        while pending is not None and pending.response_id == response.pk:
            if pending.choice is not None:
                value = pending.choice.label
            elif pending.value is not None:
                value = str(pending.value)
            else:
                value = pending.text
            cells.setdefault(pending.question_id, []).append(value)
            pending = next(answers, None)
        yield [number, response.submitted_on, *["; ".join(cells.get(q.pk, [])) for q in questions]]


def survey_table(survey: Survey) -> Table:
    """The day of each answer is a date: in the CSV as 2025-03-31, in a workbook a date cell."""
    questions = list(survey.questions.all())
    return Table(_header(questions), _rows(survey, questions), title=_("Answers"))


def invitations_table(survey: Survey) -> Table:
    """Each personal link with its label (people's input, like every cell written safely)."""
    yes, no = _("yes"), _("no")
    rows = (
        [str(invitation), absolute_url(invitation), yes if invitation.used else no]
        for invitation in survey.invitations.select_related("stakeholder").iterator(chunk_size=1000)
    )
    return Table([_("Label"), _("Link"), _("Used")], rows)
