"""Learning offers of the demo town: the "Wissenshäppchen to go" series with past and upcoming sessions.

Past sessions have attendance and feedback; upcoming ones are placed relative to the day the demo
is loaded, so there is always something to register for. Jonas Becker attended the videoconference
lunch talk and has not rated it yet: log in as him to try the feedback form.
"""

from datetime import timedelta

from auditlog.context import set_actor
from django.utils import timezone

from accounts.models import User
from learning.models import LearningUnit, Registration, Session
from projects.models import Project

SERIES = "Wissenshäppchen to go"
# title, topic, format, minutes, dimension, projects, material link, summary
UNITS = [
    (
        "Videokonferenzen souverän leiten",
        "Zusammenarbeit",
        LearningUnit.Format.LUNCH_TALK,
        30,
        "competences",
        ["Digitale Kommunikation: Videokonferenz und Team-Chat"],
        "",
        "Wie Sie eine Besprechung mit Teilnehmenden im Raum und am Bildschirm so leiten, dass alle gehört werden: "
        "Technik im Besprechungsraum, Bildschirm teilen, Wortmeldungen, Protokoll in der gemeinsamen Ablage.",
    ),
    (
        "Die digitale Zeiterfassung in zehn Minuten",
        "Zeiterfassung",
        LearningUnit.Format.VIDEO,
        10,
        "workplace",
        ["Digitale Zeiterfassung"],
        "https://intranet.lindenfeld.example/lernen/zeiterfassung",
        "Kommen, Gehen, Dienstgang und Gleitzeitkonto im neuen Terminal und in der App – gezeigt an einem typischen "
        "Arbeitstag. Mit den häufigsten Fragen aus der Pilotphase.",
    ),
    (
        "Desk Sharing: Arbeitsplatz buchen und gut ankommen",
        "Arbeitsplatz",
        LearningUnit.Format.WORKSHOP,
        60,
        "organisation",
        ["Desk Sharing im Rathaus II"],
        "",
        "Wie die Buchung funktioniert, was in den Rollcontainer gehört und welche Regeln das Team selbst vereinbart. "
        "Mit einem Rundgang durch die neuen Flächen im Rathaus II.",
    ),
    (
        "Phishing erkennen: drei Minuten, die sich lohnen",
        "IT-Sicherheit",
        LearningUnit.Format.ELEARNING,
        20,
        "security",
        [],
        "https://intranet.lindenfeld.example/lernen/phishing",
        "An echten (entschärften) Beispielen aus unserem Postfach üben Sie, gefälschte E-Mails zu erkennen, "
        "und erfahren, wie Sie einen Verdacht richtig melden.",
    ),
    (
        "Der Dienstausweis im Smartphone-Wallet",
        "Mobiles Arbeiten",
        LearningUnit.Format.HANDOUT,
        5,
        "workplace",
        ["Dienstausweis im Smartphone-Wallet"],
        "https://intranet.lindenfeld.example/lernen/wallet-pass.pdf",
        "Ein Merkblatt auf einer Seite: Pass anfordern, ins Wallet übernehmen, was bei Verlust des Telefons zu tun ist.",
    ),
    (
        "Tastenkürzel und kleine Kniffe für den Büroalltag",
        "Tipps und Tricks",
        LearningUnit.Format.LUNCH_TALK,
        30,
        "competences",
        [],
        "",
        "Die zwanzig Tastenkürzel, die wirklich Zeit sparen, Vorlagen im Textprogramm und die Suche in der E-Akte. "
        "Bringen Sie Ihre eigenen Fragen mit.",
    ),
]


def extend_demo(*, users: dict[str, User]) -> None:
    team = users["cdo@lindenfeld.example"]
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    series = Project.objects.filter(title=SERIES).first()
    with set_actor(team):
        units = []
        for title, topic, fmt, minutes, dimension, projects, link, summary in UNITS:
            unit = LearningUnit.objects.create(
                title=title,
                topic=topic,
                format=fmt,
                duration_minutes=minutes,
                dimension_key=dimension,
                material_url=link,
                summary=summary,
                created_by=team,
            )
            linked = list(Project.objects.filter(title__in=projects))
            if series is not None and fmt in (LearningUnit.Format.LUNCH_TALK, LearningUnit.Format.WORKSHOP):
                linked.append(series)
            unit.projects.set(linked)
            units.append(unit)
        video, _time, desks, phishing, _wallet, tips = units

        def session(unit: LearningUnit, days: int, hour: int, **values) -> Session:
            starts = (now + timedelta(days=days)).replace(hour=hour)
            return Session.objects.create(unit=unit, starts_at=starts, **values)

        past_video = session(video, -42, 12, place="Rathaus, Raum 2.14", capacity=12, trainer="Lea Sommer")
        past_desks = session(desks, -20, 10, place="Rathaus II, 3. OG", capacity=15, trainer="Jonas Becker")
        session(
            video, 9, 12, place="Rathaus, Raum 2.14", online_url="https://meet.lindenfeld.example/happen", capacity=12
        )
        session(desks, 16, 10, place="Rathaus II, 3. OG", capacity=15)
        session(
            phishing, 5, 9, online_url="https://meet.lindenfeld.example/phishing", capacity=40, trainer="IT-Service"
        )
        full = session(
            tips,
            23,
            12,
            place="Rathaus, Kantine",
            capacity=2,
            note="Kleine Runde – bitte nur anmelden, wer sicher kommt.",
        )

        for email in ("cdo@lindenfeld.example", "admin@lindenfeld.example"):
            Registration.objects.create(
                session=full, user=users[email], org_unit=users[email].units.order_by("pk").first()
            )

        # Past sessions: who came, who did not, and what they said.
        attended = [
            (
                past_video,
                "leitung@lindenfeld.example",
                True,
                5,
                "Endlich weiß ich, wie man im Raum und online gleichzeitig moderiert.",
            ),
            (past_video, "admin@lindenfeld.example", True, 4, "Gut, aber 30 Minuten sind knapp für die Fragen."),
            (past_video, "rat@lindenfeld.example", False, None, ""),
            (past_video, "fachbereich@lindenfeld.example", True, None, ""),
            (
                past_desks,
                "fachbereich@lindenfeld.example",
                True,
                4,
                "Der Rundgang hat die Sorgen im Team deutlich verringert.",
            ),
            (past_desks, "leitung@lindenfeld.example", True, 3, ""),
        ]
        for past, email, present, rating, text in attended:
            user = users[email]
            Registration.objects.create(
                session=past,
                user=user,
                org_unit=user.units.order_by("pk").first(),
                registered_at=past.starts_at - timedelta(days=7),
                attended=present,
                rating=rating,
                feedback=text,
                feedback_at=past.starts_at + timedelta(hours=3) if rating else None,
            )
