"""Demo surveys for Lindenfeld: a closed staff survey with answers and an open one for citizens."""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from participation.models import Stakeholder
from strategy.models import FieldOfAction
from surveys.models import Question, Survey
from surveys.services import GivenAnswer, invitations_create, question_save, respondent_key, submit_response

STAFF_WISHES = [
    "Ich wünsche mir, dass Urlaubsanträge nicht mehr auf Papier durch drei Büros wandern.",
    "Ein gemeinsamer Kalender für Besprechungsräume würde viel Telefoniererei sparen.",
    "Bitte Schulungen für die E-Akte in kleinen Häppchen, nicht als ganzen Tag.",
    "Die Dienstreiseabrechnung dauert zu lange, ein Online-Formular wäre eine große Hilfe.",
    "Wir brauchen WLAN in den Sitzungssälen.",
    "Digitale Unterschrift für interne Vermerke, damit niemand mehr Mappen tragen muss.",
]


def load_demo_surveys(team: User, field: FieldOfAction, stakeholders: list[Stakeholder]) -> None:
    now = timezone.now()
    closed = Survey.objects.create(
        title="Bedarfserhebung: Was bremst Sie im Arbeitsalltag?",
        introduction="Der Stab Digitalisierung fragt alle Beschäftigten, wo digitale Werkzeuge am meisten helfen würden. "
        "Die Antworten sind anonym und fließen in den Ideenpool ein.",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
        audience=Survey.Audience.INVITATION,
        anonymous=True,
        is_published=True,
        field_of_action=field,
        created_by=team,
    )
    closed.stakeholders.set([s for s in stakeholders if s.category == Stakeholder.Category.ADMINISTRATION])
    tasks = question_save(
        question=Question(
            survey=closed, kind=Question.Kind.MULTIPLE, text="Welche Abläufe kosten Sie die meiste Zeit?", required=True
        ),
        options=[
            "Anträge auf Papier",
            "Terminabsprachen",
            "Suche nach Dokumenten",
            "Unterschriftenmappen",
            "Abrechnungen",
        ],
    )
    importance = question_save(
        question=Question(
            survey=closed,
            kind=Question.Kind.SCALE,
            text="Wie wichtig ist Ihnen mobiles Arbeiten?",
            scale_low="unwichtig",
            scale_high="sehr wichtig",
        ),
        options=[],
    )
    place = question_save(
        question=Question(survey=closed, kind=Question.Kind.SINGLE, text="Wo arbeiten Sie überwiegend?"),
        options=["Im Rathaus", "In einer Außenstelle", "Im Außendienst"],
    )
    wish = question_save(
        question=Question(survey=closed, kind=Question.Kind.TEXT, text="Was sollte als Erstes digital werden?"),
        options=[],
    )
    # Answers are given while the survey is open, as they would have been.
    closed.closes_at = now + timedelta(minutes=5)
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    task_choices, place_choices = list(tasks.choices.all()), list(place.choices.all())
    units = ["Bürgerbüro", "Standesamt", "IT-Service", "Personal", "Bauamt"]
    links = invitations_create(
        survey=closed, labels=[f"{units[i % len(units)]} {i // len(units) + 1}" for i in range(40)], stakeholders=[]
    )
    for number, link in enumerate(links[:31]):
        answers = [
            GivenAnswer(tasks, rng.sample(task_choices, rng.randint(1, 3))),
            GivenAnswer(importance, [], value=rng.choice([3, 4, 4, 5, 5])),
            GivenAnswer(place, [rng.choice(place_choices)]),
        ]
        if number < len(STAFF_WISHES):
            answers.append(GivenAnswer(wish, [], text=STAFF_WISHES[number]))
        key = respondent_key(closed, invitation=link)
        submit_response(survey=closed, key=key, answers=answers, invitation=link)
    Survey.objects.filter(pk=closed.pk).update(closes_at=now - timedelta(days=1))

    open_survey = Survey.objects.create(
        title="Online-Services im Bürgerbüro: Was brauchen Sie?",
        introduction="Sagen Sie uns, welche Anliegen Sie gern online erledigen würden. Sie brauchen kein Konto; "
        "die Umfrage ist anonym und dauert etwa drei Minuten.",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=25),
        audience=Survey.Audience.OPEN,
        anonymous=True,
        is_published=True,
        field_of_action=field,
        created_by=team,
    )
    open_survey.stakeholders.set([s for s in stakeholders if s.category == Stakeholder.Category.CITIZENS])
    question_save(
        question=Question(
            survey=open_survey,
            kind=Question.Kind.SINGLE,
            text="Wie oft kommen Sie ins Bürgerbüro?",
            required=True,
        ),
        options=["Seltener als einmal im Jahr", "Ein- bis zweimal im Jahr", "Öfter"],
    )
    question_save(
        question=Question(
            survey=open_survey,
            kind=Question.Kind.MULTIPLE,
            text="Was würden Sie gern online erledigen?",
            help_text="Mehrere Antworten möglich.",
        ),
        options=["Termin buchen", "Ausweis beantragen", "Wohnsitz ummelden", "Urkunden bestellen", "Gebühren bezahlen"],
    )
    question_save(
        question=Question(
            survey=open_survey,
            kind=Question.Kind.SCALE,
            text="Wie zufrieden sind Sie mit den heutigen Online-Angeboten?",
            scale_low="gar nicht",
            scale_high="sehr",
        ),
        options=[],
    )
    question_save(
        question=Question(survey=open_survey, kind=Question.Kind.TEXT, text="Was möchten Sie uns noch mitgeben?"),
        options=[],
    )
