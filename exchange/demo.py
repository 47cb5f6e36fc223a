"""What the demo town received from two fictional neighbours, signed with their own keys.

The items pass through the same validation, signature check and sanitising as a real sync
(`received.accept_page`), so the demo shows exactly what a real exchange would.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.models import Peer
from exchange.received import accept_page
from exchange.samples import FakeInstallation, lesson_data, project_data
from exchange.similar import received_embed_pending

NEIGHBOURS = [
    (
        "Musterstadt (fiktiv)",
        "https://etappe.musterstadt.example",
        "Nordrhein-Westfalen",
        [
            (
                "project",
                project_data(
                    "Digitale Bauakte",
                    summary="Bauanträge vollständig digital, vom Eingang bis zum Bescheid.",
                    status="completed",
                ),
            ),
            (
                "lesson",
                lesson_data(
                    "Chatbot im Bürgerbüro: nach sechs Monaten abgeschaltet",
                    context="Ein Chatbot sollte Fragen zu Terminen und Gebühren beantworten.",
                    advice="Erst die häufigsten Fragen sammeln und die FAQ verbessern; einen Abbruchpunkt vereinbaren.",
                ),
            ),
            (
                "lesson",
                lesson_data(
                    "Terminvergabe online: der Personalrat als Partner",
                    outcome="success",
                    context="Online-Termine für das Bürgerbüro.",
                    advice="Früh mit dem Personalrat sprechen.",
                ),
            ),
        ],
    ),
    (
        "Beispielhausen (fiktiv)",
        "https://etappe.beispielhausen.example",
        "Sachsen",
        [
            (
                "project",
                project_data(
                    "Wohngeld online beantragen",
                    summary="Der Wohngeldantrag als Online-Dienst mit Nachweis-Upload.",
                    status="in_implementation",
                ),
            ),
            (
                "lesson",
                lesson_data(
                    "Zeiterfassung: Terminals ja, App nein",
                    outcome="partial",
                    context="Digitale Zeiterfassung im Bauhof und in der Verwaltung.",
                    advice="Nicht alle haben ein Diensthandy.",
                ),
            ),
            (
                "project",
                project_data(
                    "Sensoren für Parkplätze", summary="Freie Parkplätze in der Innenstadt anzeigen.", status="stopped"
                ),
            ),
        ],
    ),
]


def extend_demo(*, users) -> None:
    for name, url, state, entries in NEIGHBOURS:
        town = FakeInstallation(name=name, ars="", state=state)
        peer = Peer.objects.create(url=url, name=name, state=state, active=False)
        items = [town.item(kind, number, data) for number, (kind, data) in enumerate(entries, start=1)]
        accept_page(peer, town.page(items))
        peer.items_received = peer.items.count()
        # Stored in the installation's language, like the errors a real sync records.
        peer.last_error = _("Demo: this installation does not exist; the entries were loaded with the demo.")
        peer.last_error_at = timezone.now()
        peer.save()
    received_embed_pending()  # as the background task would after a sync (nothing without a model)
