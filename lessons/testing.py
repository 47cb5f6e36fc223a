from typing import Any

from lessons.models import Lesson


def make_lesson(**overrides) -> Lesson:
    authors = overrides.pop("authors", [])
    values: dict[str, Any] = {
        "title": "Was wir aus dem Chatbot gelernt haben",
        "scope": Lesson.Scope.STRATEGY,
        "context": "Ein Chatbot sollte Fragen im Bürgerbüro beantworten.",
        "what_did_not": "Er verstand Umgangssprache schlecht.",
        "outcome": Lesson.Outcome.FAILED,
        "visibility": Lesson.Visibility.PUBLIC,
        "state": Lesson.State.PUBLISHED,
    }
    values.update(overrides)
    if values["state"] == Lesson.State.PUBLISHED and "published_at" not in values:
        from django.utils import timezone

        values["published_at"] = timezone.now()
    lesson = Lesson.objects.create(**values)
    lesson.authors.set(authors)
    return lesson
