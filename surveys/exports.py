"""All answers of a survey as CSV or XLSX: one row per response, one column per question."""

import io
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ideas.exports import safe_cell
from surveys.models import Answer, Question, Response, Survey


def _header(questions: list[Question]) -> list[str]:
    return [_("Response"), _("Submitted"), *[q.text for q in questions]]


def _rows(survey: Survey, questions: list[Question]) -> Iterator[list]:
    """Answers are read in response order alongside the responses, so memory stays flat."""
    answers = (
        Answer.objects.filter(response__survey=survey)
        .select_related("choice")
        .order_by("response_id", "question_id", "choice__position", "pk")
        .iterator(chunk_size=5000)
    )
    pending = next(answers, None)
    for response in Response.objects.filter(survey=survey).order_by("pk").iterator(chunk_size=2000):
        cells: dict[int, list[str]] = {}
        while pending is not None and pending.response_id == response.pk:
            if pending.choice_id:
                value = pending.choice.label
            elif pending.value is not None:
                value = str(pending.value)
            else:
                value = pending.text
            cells.setdefault(pending.question_id, []).append(value)
            pending = next(answers, None)
        submitted = timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")
        yield [response.pk, submitted, *["; ".join(cells.get(q.pk, [])) for q in questions]]


def survey_csv(survey: Survey, writer) -> None:
    questions = list(survey.questions.all())
    writer.writerow(_header(questions))
    for row in _rows(survey, questions):
        writer.writerow([safe_cell(v) for v in row])


def survey_xlsx(survey: Survey) -> bytes:
    questions = list(survey.questions.all())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Answers"))
    sheet.append(_header(questions))
    for row in _rows(survey, questions):
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
