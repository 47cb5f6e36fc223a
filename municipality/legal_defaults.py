"""The German default templates of the Impressum and the privacy notice.

They are the start of a legal text the administrator completes and stores, so they are German (the
language of the legal text) and not translated: the English page shows the German text marked as
German. Every part only the municipality can know is a placeholder in double square brackets,
which the page flags until none is left (`municipality.legal.placeholders`). The privacy notice
names what Etappe itself processes, with the periods this installation is configured with.
"""

from django.conf import settings

from municipality.models import LegalPage, Municipality

IMPRINT = """\
Angaben nach § 5 Digitale-Dienste-Gesetz (DDG)

## Anbieterin

[[Name der Gemeinde, z. B. „{name}“]]
Körperschaft des öffentlichen Rechts
[[Straße und Hausnummer der Verwaltung]]
[[Postleitzahl und Ort]]

## Vertreten durch

[[Name der Bürgermeisterin oder des Bürgermeisters]], [[Bürgermeisterin oder Bürgermeister]]

## Kontakt

Telefon: [[Telefonnummer]]
E-Mail: [[E-Mail-Adresse]]

## Zuständige Aufsichtsbehörde

[[Name und Anschrift der Kommunalaufsicht, z. B. des Landratsamts, Kreises oder der Bezirksregierung]]

## Umsatzsteuer-Identifikationsnummer

[[Umsatzsteuer-Identifikationsnummer nach § 27a Umsatzsteuergesetz, falls die Gemeinde eine hat; sonst diesen Abschnitt löschen]]

## Verantwortlich für den Inhalt nach § 18 Abs. 2 Medienstaatsvertrag

[[Name und Anschrift der verantwortlichen Person]]

## Software

Diese Plattform nutzt Etappe, eine Open-Source-Software für kommunale Digitalstrategien.
"""

PRIVACY = """\
Mit dieser Erklärung informieren wir nach Art. 13 und 14 der Datenschutz-Grundverordnung (DSGVO) \
darüber, welche personenbezogenen Daten diese Plattform verarbeitet, wozu und wie lange.

## Verantwortliche Stelle

[[Name der Gemeinde, z. B. „{name}“]]
[[Anschrift der Verwaltung]]
E-Mail: [[E-Mail-Adresse]]

## Datenschutzbeauftragte

[[Name oder Funktion und Kontakt der oder des behördlichen Datenschutzbeauftragten]]

## Worum es geht

Auf dieser Plattform veröffentlicht die Gemeinde ihre Digitalstrategie und deren Umsetzung; \
Einwohnerinnen und Einwohner können Ideen einreichen, kommentieren und unterstützen und an \
Umfragen teilnehmen. Die Plattform läuft mit der Software Etappe auf Servern von \
[[Betreiber der Server, z. B. die Gemeinde selbst oder ihr kommunaler IT-Dienstleister]]. \
Sie lädt nichts von anderen Servern nach (auch keine Schriften) und setzt keine Werkzeuge zur \
Analyse oder Reichweitenmessung ein.

## Welche Daten wir verarbeiten

### Benutzerkonten

Für ein Konto speichern wir E-Mail-Adresse, Namen und Rolle (zum Beispiel Bürgerin oder Bürger, \
Mitarbeitende der Verwaltung), bei Mitarbeitenden ihre Organisationseinheiten, das Passwort nur \
als nicht umkehrbaren Hashwert sowie den Zeitpunkt der Registrierung und der letzten Anmeldung. Der Link \
zur Bestätigung einer Registrierung ist 3 Tage gültig.

### Ideen, Kommentare, Unterstützungen und Meldungen

Ideen und Kommentare werden mit dem Namen veröffentlicht, den Sie angeben; ohne Konto dürfen Sie \
das Namensfeld leer lassen. Ihre E-Mail-Adresse wird nie angezeigt. Wer ohne Konto eine Idee \
einreicht, bestätigt sie über einen Link, der 7 Tage gültig ist; wir speichern dazu die \
E-Mail-Adresse und den Zeitpunkt der Einwilligung. Ideen, deren Adresse nie bestätigt wurde, \
löschen wir mit Name und Adresse nach {unconfirmed_days} Tagen. Unterstützungen zeigen wir nur \
als Anzahl; wir speichern, welches Konto unterstützt hat, damit jede Person einmal zählt. Wir \
speichern auch, welchen Ideen Sie folgen, und wer einen Inhalt gemeldet hat.

### Umfragen

Bei anonymen Umfragen speichern wir die Antworten ohne Namen und ohne Uhrzeit (nur den Tag); \
niemand, auch nicht die Verwaltung, kann eine Antwort einer Person zuordnen. Bei Umfragen, die \
nicht anonym sind, verknüpfen wir die Antwort mit Ihrem Konto oder Ihrer persönlichen Einladung. \
Bei offenen Umfragen ohne Konto merkt sich die Plattform mit einem Cookie (siehe unten), dass \
dieser Browser schon geantwortet hat.

### Anmeldungen und Änderungsprotokoll

Bei jeder Anmeldung speichern wir Zeitpunkt, IP-Adresse und Browserkennung (User-Agent), auch \
bei fehlgeschlagenen Versuchen; nach {failure_limit} Fehlversuchen mit derselben Adresse von \
derselben IP-Adresse ist die Anmeldung {cooloff_minutes} Minuten gesperrt. Jede Änderung an \
Inhalten hält das Änderungsprotokoll mit Person, Zeitpunkt, IP-Adresse und den geänderten Werten \
fest, damit nachvollziehbar bleibt, wer was entschieden hat. Um Missbrauch zu begrenzen (zum \
Beispiel höchstens 5 Ideen je Adresse und Stunde), zählt die Plattform Formulare je IP-Adresse \
höchstens eine Stunde lang in einem Zwischenspeicher.

### Cookies

Die Plattform setzt nur Cookies, die für ihren Betrieb nötig sind (§ 25 Abs. 2 TDDDG), keine zur \
Analyse oder Werbung:

- Sitzungs-Cookie: hält Sie angemeldet. Die Sitzung endet nach {idle_internal} Minuten ohne \
Aktivität (Mitarbeitende der Verwaltung) oder {idle} Minuten (alle anderen) und spätestens \
{max_hours} Stunden nach der Anmeldung.
- CSRF-Cookie: schützt Formulare davor, von fremden Websites aus abgeschickt zu werden.
- Hinweis-Cookie: trägt eine Meldung wie „gespeichert“ zur nächsten Seite und wird dort gelöscht.
- Sprach-Cookie: nur wenn Sie die Sprache umstellen; es gilt, bis Sie den Browser schließen.
- Umfrage-Cookie: nur bei offenen Umfragen ohne Konto; eine Zufallszahl, damit ein Browser nur \
einmal antwortet; ein Jahr gültig.

### E-Mails

Die Plattform sendet E-Mails, wenn ein Vorgang es braucht: Links zur Bestätigung, Nachrichten \
über den Status Ihrer Ideen, Einladungen zu Umfragen, Anmeldungen zu Lernangeboten. Versendet \
wird über den E-Mail-Server von [[Betreiber des E-Mail-Servers]].

### Austausch mit anderen Kommunen

Die Plattform veröffentlicht öffentliche Projekte und freigegebene Erfahrungsberichte in einem \
offenen, signierten Format, das andere Kommunen abrufen. Diese Veröffentlichung enthält keine \
personenbezogenen Daten: keine Namen, E-Mail-Adressen oder Konten; bei Erfahrungsberichten steht \
nur, ob eine Kontaktaufnahme erwünscht ist. Teilt die Gemeinde Ergebnisse ihrer \
Reifegrad-Selbsteinschätzung, dann nur als Durchschnittswerte von mindestens drei Antworten.

### Server-Protokolle

Für jede Anfrage schreibt die Plattform eine Zeile mit Methode, Pfad, Statuscode, Dauer und Rolle \
(zum Beispiel „anonym“). IP-Adresse, Namen, Benutzerkennungen und die Parameter einer Adresse \
(Query-String, zum Beispiel Suchbegriffe) stehen nicht darin; geheime Teile von Links werden \
unkenntlich gemacht. Diese Protokolle und die des vorgeschalteten Webservers bewahren wir \
[[Aufbewahrungsfrist der Server-Protokolle, z. B. 14 Tage]] auf.

## Rechtsgrundlagen

- Art. 6 Abs. 1 Buchst. e DSGVO in Verbindung mit [[Rechtsgrundlage des Landes, z. B. Landesdatenschutzgesetz und Gemeindeordnung]]: \
die Gemeinde erfüllt ihre Aufgabe, über ihre Digitalstrategie zu informieren und die \
Einwohnerinnen und Einwohner zu beteiligen. Darauf beruhen auch Anmelde-, Änderungs- und \
Server-Protokolle, die die Sicherheit der Plattform schützen.
- Art. 6 Abs. 1 Buchst. a DSGVO (Einwilligung), wo ein Formular danach fragt: bei der \
Registrierung eines Kontos und beim Einreichen einer Idee ohne Konto. Eine Einwilligung können Sie \
jederzeit mit Wirkung für die Zukunft widerrufen.

## Speicherdauer

- Konto: bis Sie es löschen. Dann löschen wir E-Mail-Adresse, Namen und Anmeldedaten und entfernen \
sie aus dem Änderungsprotokoll; Ihre Ideen und Kommentare bleiben ohne Namen stehen.
- Ideen ohne Konto, deren Adresse nie bestätigt wurde: {unconfirmed_days} Tage.
- Anmelde- und Änderungsprotokoll: [[Aufbewahrungsfrist; die Plattform löscht diese Einträge nicht von selbst, nur beim Löschen eines Kontos]]
- Datensicherungen: [[Aufbewahrungsfrist der Datensicherungen]]

## Ihre Rechte

Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), \
Einschränkung der Verarbeitung (Art. 18), Datenübertragbarkeit (Art. 20) und Widerspruch (Art. 21 \
DSGVO), soweit deren Voraussetzungen vorliegen. Mit einem Konto laden Sie unter „Mein Konto“ alle \
Ihre Daten herunter und löschen Ihr Konto selbst. Im Übrigen wenden Sie sich an die verantwortliche \
Stelle oder die Datenschutzbeauftragten oben.

## Beschwerderecht

Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO). Zuständig ist:

[[Name und Anschrift der oder des Landesbeauftragten für den Datenschutz]]
"""


def default_text(kind: str, municipality: Municipality | None = None) -> str:
    """The German default template of a legal page, with this installation's periods filled in."""
    municipality = municipality or Municipality.objects.current()
    name = municipality.name if municipality and not municipality.is_fictional else "Stadt Musterstadt"
    if kind == LegalPage.Kind.IMPRINT:
        return IMPRINT.format(name=name)
    return PRIVACY.format(
        name=name,
        unconfirmed_days=settings.ETAPPE_UNCONFIRMED_RETENTION_DAYS,
        failure_limit=settings.AXES_FAILURE_LIMIT,
        cooloff_minutes=round(settings.AXES_COOLOFF_TIME * 60),
        idle_internal=settings.ETAPPE_SESSION_IDLE_MINUTES_INTERNAL,
        idle=settings.ETAPPE_SESSION_IDLE_MINUTES,
        max_hours=settings.ETAPPE_SESSION_MAX_HOURS,
    )
