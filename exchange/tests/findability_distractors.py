"""The distractor items of the exchange findability set (data/findability/distractors.json).

Projects and lessons of 40 fictional installations on 49 topics that none of the probes asks about
(written for issue 17 on 2026-12-06, see data/findability/README.md). Each item is a title variant
of its topic and two of the topic's own sentences, sometimes with one sentence of general context
(at most one item in four), so unrelated items share no more phrasing than real municipal reports
("Die Kosten lagen bei …"). Seeded; write the file again with

    .venv/bin/python -m exchange.tests.findability_distractors
"""

import json
import random
from pathlib import Path

OUT = Path(__file__).parent / "data" / "findability" / "distractors.json"
COUNT = 1100
D = [
    (
        ["Gewerbe", "OZG"],
        [
            "Gewerbeanmeldung über das Serviceportal",
            "Gewerbe an-, um- und abmelden im Netz",
            "Elektronische Gewerbeanzeige mit Weiterleitung an Kammern",
        ],
        [
            "Gründer füllen die Anzeige aus und zahlen die Gebühr direkt.",
            "Die Daten gehen automatisch an Finanzamt, IHK und Handwerkskammer.",
            "Rückfragen der Kammern gingen deutlich zurück.",
            "Ein Drittel der Anzeigen kommt inzwischen ohne Papier.",
            "Die Software des Landes wurde ohne eigene Anpassungen übernommen.",
        ],
    ),
    (
        ["Schule", "Mensa"],
        [
            "Essensbestellung für die Schulmensa per Chipkarte",
            "Mittagessen an Ganztagsschulen online bestellen",
            "Bargeldlose Abrechnung der Schulverpflegung",
        ],
        [
            "Eltern bestellen das Essen eine Woche im Voraus und laden Guthaben auf.",
            "Der Caterer kocht nach den Bestellungen und wirft weniger weg.",
            "Die Abrechnung über das Bildungspaket läuft automatisch.",
            "Vorher sammelten Hausmeister Bargeld in Umschlägen ein.",
            "Die Speisepläne sind nach Allergenen gekennzeichnet.",
        ],
    ),
    (
        ["Radverkehr", "Mobilität"],
        [
            "Lückenschluss im Radwegenetz entlang der Landesstraße",
            "Neue Fahrradstellplätze am Bahnhof",
            "Radverkehrskonzept mit Vorrangrouten",
        ],
        [
            "Auf 2,4 Kilometern entstand ein getrennter Weg zwischen Ortsteil und Kernstadt.",
            "Die Förderquote aus dem Landesprogramm lag bei 75 Prozent.",
            "Die Grunderwerbsverhandlungen mit Landwirten dauerten zwei Jahre.",
            "Zählstellen zeigen seitdem ein Drittel mehr Radfahrende.",
            "Die Überdachung der Abstellanlage wurde mit Gründach gebaut.",
        ],
    ),
    (
        ["Spielplatz", "Familie"],
        [
            "Sanierung des Spielplatzes am Mühlenteich",
            "Spielplatzkonzept für die Gesamtstadt",
            "Naturnaher Spielraum im Neubaugebiet",
        ],
        [
            "Kinder aus der benachbarten Grundschule haben die Geräte mit ausgewählt.",
            "Die alten Holzgeräte waren morsch und mussten gesperrt werden.",
            "Ein Sonnensegel schützt den Sandbereich im Sommer.",
            "Der Bauhof übernimmt die wöchentliche Sichtkontrolle.",
            "Die Kosten lagen mit 180.000 Euro im Rahmen.",
        ],
    ),
    (
        ["Energie", "Photovoltaik"],
        [
            "Solaranlagen auf Schulen und Turnhallen",
            "Photovoltaik-Offensive für kommunale Dächer",
            "Solarstrom vom Dach des Feuerwehrhauses",
        ],
        [
            "Auf elf Dächern wurden zusammen 900 Kilowatt Peak installiert.",
            "Die Statik mehrerer Hallen ließ keine Module zu.",
            "Der Strom wird überwiegend selbst verbraucht, der Rest eingespeist.",
            "Ein Bürgerenergieverein hat die Anlagen mitfinanziert.",
            "Lieferengpässe bei Wechselrichtern verzögerten den Bau um Monate.",
        ],
    ),
    (
        ["Wärme", "Klimaschutz"],
        [
            "Kommunale Wärmeplanung abgeschlossen",
            "Nahwärmenetz für das Schulzentrum",
            "Fernwärmeausbau in der Nordstadt",
        ],
        [
            "Ein Ingenieurbüro hat Wärmebedarf und Potenziale für jedes Quartier erhoben.",
            "Die Abwärme einer Molkerei versorgt künftig 300 Haushalte.",
            "Die Schornsteinfeger lieferten die Daten zu den Heizungen.",
            "Der Gemeinderat hat Eignungsgebiete für Wärmenetze beschlossen.",
            "Hohe Zinsen machten den Bau des Netzes teurer als geplant.",
        ],
    ),
    (
        ["Personal", "Ausbildung"],
        [
            "Ausbildungsmarketing mit Azubi-Botschaftern",
            "Kampagne zur Gewinnung von Fachkräften für die Verwaltung",
            "Duales Studium bei der Stadt bekannter machen",
        ],
        [
            "Auszubildende stellen ihren Alltag in kurzen Clips vor.",
            "Die Zahl der Bewerbungen verdoppelte sich gegenüber dem Vorjahr.",
            "Messestände an Schulen brachten wenig, Praktika viel.",
            "Für Erzieherinnen und Ingenieure blieben Stellen trotzdem offen.",
            "Die Kampagne lief auf Plakaten und in sozialen Medien.",
        ],
    ),
    (
        ["Intranet", "Kommunikation"],
        [
            "Neues Intranet für die Beschäftigten",
            "Mitarbeiterportal mit Neuigkeiten und Telefonbuch",
            "Relaunch des internen Informationsangebots",
        ],
        [
            "Das alte Intranet war seit zehn Jahren nicht gepflegt worden.",
            "Jedes Amt hat eine Person, die Inhalte aktuell hält.",
            "Die Suche findet jetzt auch Dienstanweisungen als PDF.",
            "Beschäftigte ohne PC-Arbeitsplatz erreichen das Portal auf dem Handy.",
            "Die Startseite zeigt Kantinenplan und Stellenausschreibungen.",
        ],
    ),
    (
        ["Telefonie", "IT"],
        [
            "Neue Telefonanlage für alle Standorte",
            "Umstellung der Telefonie auf Internetanschlüsse",
            "Zentrale Vermittlung neu organisiert",
        ],
        [
            "Der Anbieter schaltete die alten ISDN-Anschlüsse ab.",
            "Die Umstellung erfolgte an einem Wochenende ohne Ausfall.",
            "Faxgeräte mussten gesondert angebunden werden.",
            "Die Kosten sanken um ein Fünftel.",
            "Die Rufnummern blieben erhalten.",
        ],
    ),
    (
        ["Informationssicherheit", "IT"],
        [
            "Informationssicherheitsmanagement nach BSI-Grundschutz",
            "Beauftragter für Informationssicherheit bestellt",
            "Sicherheitsaudit der Verwaltungs-IT",
        ],
        [
            "Eine Strukturanalyse erfasste alle Anwendungen und Räume.",
            "Schulungen zu Phishing mussten alle Beschäftigten absolvieren.",
            "Ein externer Prüfer fand veraltete Server im Schulnetz.",
            "Die Leitlinie wurde vom Bürgermeister unterschrieben.",
            "Die Umsetzung band mehr Personal als geplant.",
        ],
    ),
    (
        ["Jugend", "Schule"],
        [
            "Schulsozialarbeit an allen weiterführenden Schulen",
            "Mehr Stellen für Schulsozialarbeit",
            "Sozialpädagogen an Grundschulen",
        ],
        [
            "Die Stellen werden zur Hälfte vom Land finanziert.",
            "Konflikte auf dem Schulhof gingen laut Lehrkräften zurück.",
            "Ein freier Träger stellt die Fachkräfte.",
            "Die Besetzung dauerte wegen Fachkräftemangels ein Jahr.",
            "Eltern nutzen die offenen Sprechstunden rege.",
        ],
    ),
    (
        ["Quartier", "Soziales"],
        [
            "Quartiersmanagement im Stadtteil Süd",
            "Stadtteilbüro als Anlaufstelle",
            "Soziale Stadt: Nachbarschaftszentrum eröffnet",
        ],
        [
            "Das Büro liegt im Erdgeschoss eines Wohnblocks.",
            "Mieterinitiativen und Vereine treffen sich dort wöchentlich.",
            "Die Förderung aus der Städtebauförderung läuft acht Jahre.",
            "Ein Verfügungsfonds finanziert kleine Nachbarschaftsprojekte.",
            "Die Stelle war zwei Jahre lang unbesetzt.",
        ],
    ),
    (
        ["Senioren", "Ehrenamt"],
        [
            "Seniorentreff mit Mittagstisch",
            "Besuchsdienst für alleinstehende Ältere",
            "Seniorenbegleiter ehrenamtlich ausgebildet",
        ],
        [
            "Ehrenamtliche besuchen einmal pro Woche ältere Menschen zu Hause.",
            "Die Volkshochschule hat die Schulung übernommen.",
            "Der Mittagstisch kostet vier Euro.",
            "Viele Teilnehmende kamen über die Hausärzte.",
            "Die Vermittlung lief über das Seniorenbüro.",
        ],
    ),
    (
        ["Integration", "Migration"],
        [
            "Sprachkurse mit Kinderbetreuung für Zugewanderte",
            "Integrationsmanagement in der Gemeinschaftsunterkunft",
            "Welcome-Center für ausländische Fachkräfte",
        ],
        [
            "Parallel zum Kurs werden die Kinder im Nebenraum betreut.",
            "Integrationsmanagerinnen begleiten Familien bei Behördengängen.",
            "Arbeitgeber melden Fachkräfte vorab an.",
            "Die Ausländerbehörde hält feste Termine für das Center frei.",
            "Die Kurse waren nach zwei Wochen ausgebucht.",
        ],
    ),
    (
        ["Bibliothek", "Kultur"],
        [
            "Stadtbücherei mit erweiterten Öffnungszeiten",
            "Bibliothek als dritter Ort umgebaut",
            "Medienrückgabe rund um die Uhr",
        ],
        [
            "Ein Rückgabeautomat nimmt Medien auch nachts an.",
            "Das Lesecafé wird von einem Inklusionsbetrieb geführt.",
            "Die Ausleihzahlen stiegen um 18 Prozent.",
            "Der Umbau wurde aus einem Bundesprogramm gefördert.",
            "Gaming-Zonen ziehen Jugendliche an.",
        ],
    ),
    (
        ["Museum", "Kultur"],
        ["Neukonzeption des Stadtmuseums", "Museumsdepot neu geordnet", "Sonderausstellung zur Industriegeschichte"],
        [
            "Die Dauerausstellung wurde nach 30 Jahren neu gestaltet.",
            "Im Depot wurden 12.000 Objekte inventarisiert.",
            "Schulklassen bekommen eigene Führungen.",
            "Die Ausstellung lockte 20.000 Besucher.",
            "Ein Förderverein finanzierte die Vitrinen.",
        ],
    ),
    (
        ["Tourismus", "Marketing"],
        ["Neue Wanderwege mit Beschilderung", "Tourismuskonzept für die Region", "Premiumwanderweg zertifiziert"],
        [
            "Die Wege wurden mit dem Wanderverein neu markiert.",
            "Übernachtungszahlen stiegen nach der Zertifizierung.",
            "Gastronomiebetriebe entlang der Route wurden eingebunden.",
            "Das Konzept entstand in Workshops mit Betrieben.",
            "Rastplätze entstanden an Aussichtspunkten.",
        ],
    ),
    (
        ["Breitband", "Infrastruktur"],
        [
            "Glasfaserausbau in den Gewerbegebieten",
            "Breitbandförderung für unterversorgte Haushalte",
            "Leerrohre bei jeder Straßensanierung mitverlegen",
        ],
        [
            "Ein Netzbetreiber baute nach Markterkundung eigenwirtschaftlich aus.",
            "Das Förderverfahren dauerte drei Jahre bis zum Spatenstich.",
            "Tiefbaukapazitäten waren der Engpass.",
            "Über 2.000 Anschlüsse wurden bis Ende des Jahres geschaltet.",
            "Die Mitverlegung sparte Kosten für spätere Aufgrabungen.",
        ],
    ),
    (
        ["Feuerwehr", "Ehrenamt"],
        [
            "Neues Feuerwehrgerätehaus in der Kernstadt",
            "Mitgliedergewinnung für die Freiwillige Feuerwehr",
            "Tagesalarmsicherheit der Feuerwehr verbessern",
        ],
        [
            "Tagsüber fehlten in drei Ortsteilen genug Einsatzkräfte.",
            "Arbeitgeber der Region wurden als Partner gewonnen.",
            "Das Gerätehaus bietet getrennte Umkleiden für Frauen.",
            "Die Jugendfeuerwehr wuchs auf 40 Mitglieder.",
            "Die Baukosten stiegen wegen der Stahlpreise.",
        ],
    ),
    (
        ["Straße", "Tiefbau"],
        [
            "Sanierung der Ortsdurchfahrt",
            "Grunderneuerung der Bahnhofstraße",
            "Erhaltungsmanagement für Gemeindestraßen",
        ],
        [
            "Die Straße wurde in vier Abschnitten unter Vollsperrung erneuert.",
            "Ein Zustandskataster zeigt, welche Straßen zuerst dran sind.",
            "Anlieger wurden in Versammlungen informiert.",
            "Wasserleitungen wurden gleich mit erneuert.",
            "Die Bauzeit verlängerte sich um ein halbes Jahr.",
        ],
    ),
    (
        ["Brücke", "Bauwerke"],
        ["Ersatzneubau der Fußgängerbrücke über die Bahn", "Brückenprüfung nach DIN 1076", "Sanierung der Mainbrücke"],
        [
            "Die alte Brücke musste wegen Rissen gesperrt werden.",
            "Der Neubau wurde in einer Nacht eingehoben.",
            "Für die Prüfung aller 60 Bauwerke wurde ein Büro beauftragt.",
            "Die Bahn gab nur wenige Sperrpausen frei.",
            "Der Umweg für Schulkinder war während der Bauzeit lang.",
        ],
    ),
    (
        ["Abwasser", "Umwelt"],
        [
            "Kanalsanierung im Inliner-Verfahren",
            "Erweiterung der Kläranlage um eine vierte Reinigungsstufe",
            "Regenüberlaufbecken am Ortsrand",
        ],
        [
            "Die Kanäle wurden ohne Aufgraben von innen saniert.",
            "Die Spurenstoffelimination wird vom Land gefördert.",
            "Kamerabefahrungen zeigten Schäden an 30 Prozent der Haltungen.",
            "Die Gebühren stiegen moderat.",
            "Das Becken entlastet den Bach bei Starkregen.",
        ],
    ),
    (
        ["Trinkwasser", "Versorgung"],
        [
            "Neuer Hochbehälter für die Trinkwasserversorgung",
            "Erneuerung alter Wasserleitungen",
            "Verbundleitung zum Nachbarversorger",
        ],
        [
            "Im Sommer reichte die Kapazität der Quellen nicht mehr aus.",
            "Eine Verbundleitung sichert die Versorgung bei Ausfällen.",
            "Die Leitungen stammten aus den 1950er Jahren.",
            "Der Bau kostete 4,2 Millionen Euro.",
            "Der Wasserpreis wurde neu kalkuliert.",
        ],
    ),
    (
        ["Bäder", "Sport"],
        [
            "Sanierung des Hallenbads",
            "Freibadsaison mit verlängerten Öffnungszeiten",
            "Energetische Erneuerung des Schwimmbads",
        ],
        [
            "Die Technik des Bades war über 40 Jahre alt.",
            "Eine Wärmepumpe ersetzt den Gaskessel.",
            "Schulschwimmen war während der Sanierung ausgelagert.",
            "Rettungsschwimmer fehlten in der Hochsaison.",
            "Ein Förderverein sammelte Spenden für die Rutsche.",
        ],
    ),
    (
        ["Kita", "Bau"],
        [
            "Neubau einer sechsgruppigen Kita in Holzbauweise",
            "Erweiterung des Kindergartens um eine Krippe",
            "Kita-Bedarfsplanung bis 2030",
        ],
        [
            "Der Holzbau war nach elf Monaten bezugsfertig.",
            "Die Bedarfsplanung rechnet mit 120 zusätzlichen Plätzen.",
            "Das Außengelände gestalteten Eltern mit.",
            "Fachkräfte für die neuen Gruppen zu finden war schwierig.",
            "Der Zuschuss des Landes deckte ein Drittel.",
        ],
    ),
    (
        ["Schule", "Bau"],
        [
            "Erweiterung der Gesamtschule um einen Ganztagsbereich",
            "Schulsanierung im laufenden Betrieb",
            "Neue Mensa für das Gymnasium",
        ],
        [
            "Der Unterricht lief während der Bauarbeiten in Containern weiter.",
            "Die Mensa bietet 300 Plätze in zwei Schichten.",
            "Die Planung entstand mit Schülervertretung und Kollegium.",
            "Schadstoffe im Altbau verzögerten den Abriss.",
            "Das Gebäude erreicht den Standard eines Effizienzhauses.",
        ],
    ),
    (
        ["Jugend", "Freizeit"],
        [
            "Jugendzentrum mit neuen Öffnungszeiten",
            "Mobile Jugendarbeit in den Ortsteilen",
            "Jugendbeteiligung über ein Jugendforum",
        ],
        [
            "Ein Bus mit Sozialarbeitern fährt abends die Treffpunkte an.",
            "Jugendliche haben das Programm selbst gestaltet.",
            "Das Zentrum ist nun auch am Samstag geöffnet.",
            "Nachbarn beschwerten sich anfangs über Lärm.",
            "Das Forum tagt zweimal im Jahr mit dem Bürgermeister.",
        ],
    ),
    (
        ["Ehrenamt", "Vereine"],
        [
            "Ehrenamtskarte mit Vergünstigungen",
            "Freiwilligenagentur gegründet",
            "Vereinsberatung zu Satzung und Förderung",
        ],
        [
            "Engagierte bekommen Rabatte in Bädern und Museen.",
            "Die Agentur vermittelte im ersten Jahr 250 Freiwillige.",
            "Vereine fragen vor allem nach Datenschutz und Steuern.",
            "Die Karte wird vom Land mitgetragen.",
            "Ein Ehrenamtsabend würdigt besonderes Engagement.",
        ],
    ),
    (
        ["Handel", "Innenstadt"],
        [
            "Wochenmarkt mit Abendmarkt ergänzt",
            "Innenstadtfonds für Aktionen der Händler",
            "Gutscheinsystem für den lokalen Handel",
        ],
        [
            "Der Abendmarkt am Donnerstag zieht Berufstätige an.",
            "Händler und Gastronomen planen gemeinsam Aktionen.",
            "Der Gutschein ist in 80 Geschäften einlösbar.",
            "Im Winter kamen weniger Besucher als erhofft.",
            "Das Stadtmarketing koordiniert die Termine.",
        ],
    ),
    (
        ["Klimaschutz", "Konzept"],
        [
            "Integriertes Klimaschutzkonzept beschlossen",
            "Treibhausgasbilanz für das Stadtgebiet",
            "Klimaschutzfonds für Vereine",
        ],
        [
            "Die Bilanz zeigt Verkehr und Wärme als größte Quellen.",
            "Ein Maßnahmenkatalog umfasst 45 Vorhaben.",
            "Vereine können Zuschüsse für Dämmung beantragen.",
            "Der Beschluss fiel einstimmig.",
            "Die Umsetzung hängt an Haushaltsmitteln.",
        ],
    ),
    (
        ["Lärm", "Umwelt"],
        [
            "Lärmaktionsplan der dritten Stufe",
            "Lärmschutzwand an der Bahnstrecke",
            "Lärmkartierung entlang der Hauptverkehrsstraßen",
        ],
        [
            "Die Kartierung zeigt 3.000 Betroffene über den Auslösewerten.",
            "Die Wand wurde aus Mitteln der Bahn finanziert.",
            "Anwohner konnten Stellungnahmen abgeben.",
            "Temporeduzierungen wurden vom Land abgelehnt.",
            "Der Plan wird alle fünf Jahre überprüft.",
        ],
    ),
    (
        ["Biodiversität", "Grünflächen"],
        [
            "Blühwiesen statt Rasen an Straßenrändern",
            "Pflegekonzept für naturnahe Grünflächen",
            "Insektenschutz auf städtischen Flächen",
        ],
        [
            "Die Flächen werden nur noch zweimal im Jahr gemäht.",
            "Anwohner beschwerten sich zunächst über das ungepflegte Aussehen.",
            "Schilder erklären, warum die Wiese blüht.",
            "Das Saatgut stammt aus der Region.",
            "Der Bauhof spart Arbeitsstunden beim Mähen.",
        ],
    ),
    (
        ["Finanzen", "Haushalt"],
        [
            "Haushaltskonsolidierung mit Aufgabenkritik",
            "Einführung der Doppik abgeschlossen",
            "Eröffnungsbilanz nach zehn Jahren vorgelegt",
        ],
        [
            "Alle freiwilligen Leistungen wurden auf den Prüfstand gestellt.",
            "Die Bewertung des Vermögens dauerte länger als geplant.",
            "Die Kommunalaufsicht genehmigte den Haushalt mit Auflagen.",
            "Gebühren wurden angepasst, Stellen nicht nachbesetzt.",
            "Die Jahresabschlüsse sind nun aktuell.",
        ],
    ),
    (
        ["Vergabe", "Beschaffung"],
        [
            "Elektronische Vergabe über die Landesplattform",
            "Zentrale Beschaffungsstelle für alle Ämter",
            "Rahmenverträge für Büromaterial und IT",
        ],
        [
            "Angebote werden nur noch elektronisch angenommen.",
            "Die Bündelung senkte die Preise bei Druckern.",
            "Kleine Ämter gaben ungern Kompetenzen ab.",
            "Bieter mussten sich auf der Plattform registrieren.",
            "Die Vergabestelle berät nun alle Fachbereiche.",
        ],
    ),
    (
        ["Wahlen", "Verwaltung"],
        [
            "Organisation der Kommunalwahl mit mehr Briefwahl",
            "Wahllokale barrierefrei ausgewählt",
            "Auszählung mit Schnellmeldesoftware",
        ],
        [
            "Der Anteil der Briefwähler stieg auf über die Hälfte.",
            "Die Schnellmeldungen liefen über eine gesicherte Verbindung.",
            "Mehrere Schulen fielen als Wahllokal weg.",
            "Die Auszählung war um 22 Uhr abgeschlossen.",
            "Wahlbenachrichtigungen gingen zwei Wochen früher raus.",
        ],
    ),
    (
        ["Standesamt", "Bürgerservice"],
        [
            "Trauungen im Schlosspark",
            "Standesamt mit zusätzlichem Trauzimmer",
            "Urkunden des Standesamts elektronisch bestellen",
        ],
        [
            "Paare können zwischen drei Trauorten wählen.",
            "Sterbe- und Geburtsurkunden werden per Post verschickt.",
            "Das Trauzimmer im Turm ist am Wochenende geöffnet.",
            "Die Gebühren für Trauungen außerhalb wurden erhöht.",
            "Die Nachfrage übertraf alle Erwartungen.",
        ],
    ),
    (
        ["Ausländerbehörde", "Migration"],
        [
            "Elektronischer Aufenthaltstitel ohne Wartezeit",
            "Ausländerbehörde neu organisiert",
            "Servicestelle für Einbürgerungen",
        ],
        [
            "Der Rückstau bei Einbürgerungsanträgen lag bei 1.500 Fällen.",
            "Neue Teams für Arbeitsmigration entlasten das Haus.",
            "Fiktionsbescheinigungen werden automatisch verschickt.",
            "Die Behörde zog in größere Räume um.",
            "Zusätzliche Stellen wurden vom Rat bewilligt.",
        ],
    ),
    (
        ["Jugendamt", "Fachsoftware"],
        [
            "Neue Fachsoftware im Jugendamt",
            "Hilfeplanung im Jugendamt vereinheitlicht",
            "Kinderschutzverfahren überarbeitet",
        ],
        [
            "Die alte Software wurde vom Hersteller nicht mehr gepflegt.",
            "Die Datenübernahme aus 20 Jahren Fallakten war aufwendig.",
            "Fachkräfte wurden in Kleingruppen geschult.",
            "Die Dokumentation im Kinderschutz ist jetzt einheitlich.",
            "Die Umstellung dauerte länger als vereinbart.",
        ],
    ),
    (
        ["Wohnen", "Bauen"],
        [
            "Sozialer Wohnungsbau auf städtischem Grundstück",
            "Wohnungsbaugesellschaft neu gegründet",
            "Baulandmodell mit Sozialquote",
        ],
        [
            "Entstanden sind 64 geförderte Wohnungen.",
            "Die Gesellschaft gehört zu gleichen Teilen Stadt und Sparkasse.",
            "Investoren müssen 30 Prozent geförderten Wohnraum bauen.",
            "Die Baupreise stiegen während der Planung stark.",
            "Die Mieten liegen unter dem Mietspiegel.",
        ],
    ),
    (
        ["Stadtentwicklung", "Planung"],
        [
            "Integriertes Stadtentwicklungskonzept",
            "Rahmenplan für das Bahnhofsumfeld",
            "Sanierungsgebiet Altstadt festgelegt",
        ],
        [
            "Das Konzept wurde in Werkstätten mit Bürgern erarbeitet.",
            "Eigentümer können Steuervorteile für Sanierungen nutzen.",
            "Der Bahnhofsvorplatz wird autofrei gestaltet.",
            "Die Städtebauförderung trägt zwei Drittel.",
            "Ein Gestaltungsbeirat begleitet die Vorhaben.",
        ],
    ),
    (
        ["Gesundheit", "Versorgung"],
        [
            "Hausarztgewinnung mit Stipendien",
            "Medizinisches Versorgungszentrum in kommunaler Trägerschaft",
            "Gesundheitskiosk im Stadtteil",
        ],
        [
            "Medizinstudierende erhalten Stipendien, wenn sie später hier praktizieren.",
            "Zwei Ärztinnen haben sich bereits niedergelassen.",
            "Der Kiosk berät zu Vorsorge und Anträgen.",
            "Die Kassenärztliche Vereinigung war skeptisch.",
            "Das Zentrum schrieb im zweiten Jahr schwarze Zahlen.",
        ],
    ),
    (
        ["Veranstaltungen", "Kultur"],
        [
            "Sommerfestival auf dem Marktplatz",
            "Kulturprogramm in den Ortsteilen",
            "Neujahrskonzert mit der Musikschule",
        ],
        [
            "Das Festival dauerte vier Tage und war kostenlos.",
            "Vereine übernahmen Bewirtung und Auf- und Abbau.",
            "Ein Sicherheitskonzept war von der Polizei gefordert.",
            "Der Regen am Samstag drückte die Besucherzahl.",
            "Künstler aus der Region standen im Mittelpunkt.",
        ],
    ),
    (
        ["Sport", "Vereine"],
        [
            "Kunstrasenplatz für den Sportverein",
            "Sportentwicklungsplan für die Stadt",
            "Sanierung der Leichtathletikanlage",
        ],
        [
            "Der Verein beteiligte sich mit Eigenleistung.",
            "Mikroplastik-freies Füllmaterial wurde gewählt.",
            "Die Planung ermittelte einen Bedarf an Hallenzeiten.",
            "Die Laufbahn war seit Jahren gesperrt.",
            "Schulen nutzen die Anlage vormittags.",
        ],
    ),
    (
        ["Landwirtschaft", "Wege"],
        [
            "Ländliches Wegenetz neu geordnet",
            "Flurbereinigung abgeschlossen",
            "Wirtschaftswege mit Landesmitteln ausgebaut",
        ],
        [
            "Landwirte und Radfahrer teilen sich die ausgebauten Wege.",
            "Das Wegekonzept priorisierte 40 Kilometer.",
            "Einige Wege wurden zurückgebaut und entsiegelt.",
            "Die Teilnehmergemeinschaft trug Eigenanteile.",
            "Schwere Maschinen beschädigten frisch sanierte Abschnitte.",
        ],
    ),
    (
        ["Partnerschaft", "International"],
        [
            "Städtepartnerschaft mit einer Stadt in Polen erneuert",
            "Schüleraustausch mit der Partnerstadt",
            "Kommunale Entwicklungspartnerschaft",
        ],
        [
            "Zum Jubiläum reiste eine Delegation mit Vereinen an.",
            "Die Fachleute tauschten sich über Abfallwirtschaft aus.",
            "Der Austausch wird aus einem EU-Programm gefördert.",
            "Das Interesse der Jugendlichen war groß.",
            "Sprachbarrieren überbrückten Dolmetscher der Volkshochschule.",
        ],
    ),
    (
        ["Ordnung", "Sicherheit"],
        [
            "Kommunaler Ordnungsdienst aufgestockt",
            "Sicherheitspartnerschaft mit der Polizei",
            "Alkoholverbot am Bahnhofsvorplatz",
        ],
        [
            "Der Ordnungsdienst ist nun bis Mitternacht unterwegs.",
            "Beschwerden über Lärm und Müll gingen zurück.",
            "Die Polizei zeigt mehr Präsenz an Wochenenden.",
            "Das Verbot wurde gerichtlich bestätigt.",
            "Sozialarbeiter begleiten die Streifen.",
        ],
    ),
    (
        ["Verwaltung", "Organisation"],
        [
            "Neuorganisation der Dezernate",
            "Prozessmanagement in der Kernverwaltung",
            "Bürgerbüro und Standesamt zusammengelegt",
        ],
        [
            "Aus sieben Dezernaten wurden fünf.",
            "Die wichtigsten 40 Prozesse wurden modelliert.",
            "Die Zusammenlegung sparte Räume und Vertretungsprobleme.",
            "Ein externes Büro begleitete die Organisationsuntersuchung.",
            "Der Personalrat war eng eingebunden.",
        ],
    ),
    (
        ["Abfall", "Wertstoffe"],
        [
            "Neuer Wertstoffhof mit längeren Öffnungszeiten",
            "Einführung der Wertstofftonne",
            "Biotonnenpflicht und Kontrollen",
        ],
        [
            "Der Hof hat jetzt auch samstags geöffnet.",
            "In die Tonne dürfen Verpackungen und Metalle.",
            "Fehlwürfe in der Biotonne wurden mit Aufklebern markiert.",
            "Die Restmüllmenge sank um zwölf Prozent.",
            "Anwohner kritisierten den Standort wegen des Verkehrs.",
        ],
    ),
    (
        ["Kommunikation", "Presse"],
        ["Neues Amtsblatt als Magazin", "Social-Media-Redaktion im Rathaus", "Bürgerinformation zur Grundsteuerreform"],
        [
            "Das Amtsblatt erscheint monatlich mit Reportagen.",
            "Die Redaktion antwortet auch abends auf Kommentare.",
            "Eine Infoveranstaltung erklärte die neuen Hebesätze.",
            "Die Auflage wurde halbiert, um Kosten zu sparen.",
            "Hasskommentare wurden nach Netiquette gelöscht.",
        ],
    ),
]
GENERIC = [
    "Beschlossen wurde das Vorhaben im Frühjahr {year}.",
    "Beteiligt waren {n} Beschäftigte aus drei Fachbereichen.",
    "Die Kosten lagen bei rund {k} Euro.",
    "Ein Förderbescheid des Landes kam im {month}.",
    "Die Gemeinde hat rund {e} Einwohnerinnen und Einwohner.",
    "Nach {m} Monaten zog der Ausschuss Bilanz.",
    "Ansprechpartnerin ist die Fachbereichsleitung.",
    "Der Bericht liegt dem Rat seit {month} {year} vor.",
    "Die Nachbargemeinde hat Interesse angemeldet.",
    "Die Presse berichtete mehrfach.",
    "Eine Evaluation ist für {year2} vorgesehen.",
    "Umgesetzt wurde mit einem Dienstleister aus der Region.",
]
MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
TOWNS = [
    "Stadt Altenkamp",
    "Gemeinde Bärwinkel",
    "Stadt Dorfen an der Lahn",
    "Stadt Eschenried",
    "Gemeinde Fahrenbach",
    "Stadt Gerolfingen",
    "Gemeinde Hainbuch",
    "Stadt Immenried",
    "Stadt Jägersdorf",
    "Gemeinde Kappeln-Süd",
    "Stadt Langenmoor",
    "Gemeinde Mittelbrunn",
    "Stadt Nesselwang-Ost",
    "Stadt Oberkrumbach",
    "Gemeinde Pfaffenhain",
    "Stadt Quellental",
    "Gemeinde Ramsau am Weiher",
    "Stadt Sulzfeld",
    "Stadt Treuenbrück",
    "Gemeinde Unterhaching-Nord",
    "Stadt Velden",
    "Gemeinde Wachenroth",
    "Stadt Zwingenberg-West",
    "Stadt Ahlhorn",
    "Gemeinde Bodenwerder-Land",
    "Stadt Cramberg",
    "Stadt Dillstedt",
    "Gemeinde Ellerau",
    "Stadt Frohnhausen",
    "Stadt Gießbach",
    "Gemeinde Hörsel",
    "Stadt Ilmtal",
    "Stadt Kaisersbach",
    "Gemeinde Leutenberg-Au",
    "Stadt Mönchsroth",
    "Stadt Neuenstein",
    "Gemeinde Oppach",
    "Stadt Preetz-Land",
    "Stadt Rödental",
    "Gemeinde Schwarzach",
]
KINDS = ["project"] * 11 + ["lesson"] * 9
STATUSES = ["planned", "in_implementation", "completed", "completed", "completed", "stopped", "suspended"]
OUTCOMES = ["success"] * 4 + ["partial"] * 3 + ["failed"] * 2 + ["stopped", "too_early"]
SUFFIXES = [
    "",
    "",
    "",
    "",
    " – Zwischenbilanz",
    " (zweiter Abschnitt)",
    ": Erfahrungen nach einem Jahr",
    " im Ortsteil Nord",
]


def _context(rng: random.Random) -> str:
    year = rng.randint(2019, 2025)
    return rng.choice(GENERIC).format(
        year=year,
        year2=year + 2,
        n=rng.randint(3, 40),
        k=f"{rng.randint(2, 90) * 5000:,}".replace(",", "."),
        month=rng.choice(MONTHS),
        e=f"{rng.randint(4, 120) * 1000:,}".replace(",", "."),
        m=rng.randint(6, 30),
    )


def generate(seed: int = 17) -> list[dict]:
    rng = random.Random(seed)
    items = []
    for number in range(COUNT):
        tags, titles, sentences = D[number % len(D)]
        kind = rng.choice(KINDS)
        summary = rng.sample(sentences, 2)
        if rng.random() < 0.25:
            summary.append(_context(rng))
        items.append(
            {
                "topic": f"d{number % len(D):02d}",
                "municipality": rng.choice(TOWNS),
                "kind": kind,
                "title": rng.choice(titles) + rng.choice(SUFFIXES),
                "summary": " ".join(summary),
                "status": rng.choice(STATUSES) if kind == "project" else "",
                "outcome": rng.choice(OUTCOMES) if kind == "lesson" else "",
                "tags": list(tags) if kind == "lesson" else [],
                "project": None,
            }
        )
    return items


if __name__ == "__main__":
    OUT.write_text(json.dumps({"items": generate()}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{COUNT} items written to {OUT}")
