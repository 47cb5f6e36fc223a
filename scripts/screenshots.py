"""Screenshots of the key pages, as every role, at 1280 and 375 pixels wide.

    .venv/bin/python scripts/screenshots.py                 # into docs/screenshots/
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --full-page --only cdo

Loads the demo town into a throwaway SQLite database in a temporary directory (nothing under
var/ is touched), serves it as `./etappe demo` does (DEBUG off, static files through
whitenoise), logs in through the login form as each demo account and saves one PNG per page
and width: `<role>-<page>-<width>.png`. The pictures are cut at a few screen heights and
reduced to 256 colours so the whole set stays small (`--full-page` keeps everything, for
looking at a page end to end). Pages wider than the window are listed at the end: at 375 px
nothing may scroll sideways except a table or chart in its own scroll container.

Needs Chromium (`apt install chromium`, or ETAPPE_CHROMIUM=/path) and the development
dependencies (playwright), as the accessibility tests do.
"""

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WIDTHS = {1280: 800, 375: 812}  # width: window height
MAX_SCREENS = {1280: 2, 375: 3}  # cut after so many window heights unless --full-page
ROLES = {
    "anonymous": None,
    "citizen": "buergerin@lindenfeld.example",
    "staff": "fachbereich@lindenfeld.example",
    "council": "rat@lindenfeld.example",
    "cdo": "cdo@lindenfeld.example",
    "admin": "admin@lindenfeld.example",
}


@dataclass
class Shot:
    role: str
    name: str
    path: str


def key_pages() -> list[Shot]:
    """The pages worth a picture, resolved against the demo data just loaded."""
    from django.urls import reverse

    from ideas.models import Idea
    from learning.models import Session
    from lessons.models import Lesson
    from maturity.models import Round
    from prioritisation.models import PriorityRound
    from projects.models import Project
    from service_inventory.models import LocalService
    from surveys.models import Survey

    idea = Idea.objects.public().order_by("-pk").first()
    project = Project.objects.public().filter(title__icontains="Chatbot").first() or Project.objects.public().first()
    lesson = Lesson.objects.published().filter(title__icontains="Chatbot").first() or Lesson.objects.published().first()
    survey = Survey.objects.filter(audience=Survey.Audience.OPEN).first()
    closed_round = PriorityRound.objects.filter(state=PriorityRound.State.CLOSED).first()
    maturity_round = Round.objects.order_by("-pk").first()
    service = LocalService.objects.order_by("pk").first()
    session = Session.objects.order_by("pk").first()
    shots = [
        Shot("anonymous", "home", "/"),
        Shot("anonymous", "strategy", reverse("strategy:detail")),
        Shot("anonymous", "ideas", reverse("ideas:list")),
        Shot("anonymous", "idea", idea.get_absolute_url()),
        Shot("anonymous", "projects", reverse("projects:list")),
        Shot("anonymous", "project", project.get_absolute_url()),
        Shot("anonymous", "roadmap", reverse("projects:roadmap")),
        Shot("anonymous", "lessons", reverse("lessons:list")),
        Shot("anonymous", "lesson", lesson.get_absolute_url()),
        Shot("anonymous", "survey", survey.get_absolute_url()),
        Shot("anonymous", "exchange", reverse("exchange:index")),
        Shot("anonymous", "online-services", reverse("services:online")),
        Shot("anonymous", "search", reverse("search:search") + "?q=Digitalisierung"),
        Shot("anonymous", "login", reverse("accounts:login")),
        Shot("anonymous", "not-found", "/diese-seite-gibt-es-nicht/"),
        Shot("citizen", "new-idea", reverse("ideas:create")),
        Shot("citizen", "profile", reverse("accounts:profile")),
        Shot("staff", "my-projects", reverse("projects:mine")),
        Shot("staff", "new-lesson", reverse("lessons:create")),
        Shot("staff", "learning", reverse("learning:catalogue")),
        Shot("staff", "forbidden", reverse("core:audit_log")),
        Shot("council", "reports", reverse("reports:list")),
        Shot("council", "since-adoption", reverse("projects:since")),
        Shot("cdo", "home", "/"),
        Shot("cdo", "stakeholders", reverse("participation:stakeholders")),
        Shot("cdo", "ranking", reverse("prioritisation:ranking", args=[closed_round.pk])),
        Shot("cdo", "services", reverse("services:overview")),
        Shot("cdo", "service", reverse("services:detail", args=[service.service_id])),
        Shot("cdo", "maturity", reverse("maturity:results", args=[maturity_round.pk])),
        Shot("cdo", "survey-results", reverse("surveys:results", args=[survey.pk])),
        Shot("cdo", "audit", reverse("core:audit_log")),
        Shot("cdo", "learning-session", reverse("learning:session", args=[session.pk])),
        Shot("admin", "settings", reverse("municipality:configure")),
    ]
    return shots


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own server on loopback
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the demo server did not answer at {url}") from None
            time.sleep(0.3)


def save_small(png: bytes, target: Path, max_height: int | None) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if max_height and image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"could not log in as {email}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=BASE_DIR / "docs" / "screenshots")
    parser.add_argument("--full-page", action="store_true", help="keep whole pages (large files)")
    parser.add_argument("--only", action="append", default=[], help="a role or page name (repeatable)")
    parser.add_argument("--database", type=Path, help="a SQLite file with the demo already loaded (kept as it is)")
    args = parser.parse_args()

    chromium = os.environ.get("ETAPPE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("Chromium is needed: apt install chromium (or set ETAPPE_CHROMIUM).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("playwright is needed: ./etappe setup installs the development dependencies.") from None

    workdir = Path(tempfile.mkdtemp(prefix="etappe-screenshots-"))
    env = {
        **os.environ,
        "ETAPPE_ENV": "development",
        "DEBUG": "0",  # as `./etappe demo`: the friendly error pages, not Django's debug page
        "DATABASE_URL": f"sqlite:///{(args.database or workdir / 'demo.sqlite3').resolve()}",
        "ETAPPE_VAR_DIR": str(workdir),
        "REDIS_URL": "",
        # the demo accounts have no second factor; the pages are shown as after it
        "ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    from installation.demo import DEMO_PASSWORD

    if not args.database:
        print(f"Loading the demo into {workdir} …", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", stdout=io.StringIO())
    shots = [s for s in key_pages() if not args.only or s.role in args.only or s.name in args.only]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    overflowing: list[str] = []
    try:
        wait_for(base + "/healthz")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for role, email in ROLES.items():
                mine = [s for s in shots if s.role == role]
                if not mine:
                    continue
                context = browser.new_context(locale="de", viewport={"width": 1280, "height": 800})
                page = context.new_page()
                if email:
                    log_in(page, base, email, DEMO_PASSWORD)
                for shot in mine:
                    for width, height in WIDTHS.items():
                        page.set_viewport_size({"width": width, "height": height})
                        page.goto(base + shot.path)
                        page.wait_for_load_state("networkidle")
                        name = f"{shot.role}-{shot.name}-{width}.png"
                        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                            overflowing.append(name)
                        png = page.screenshot(full_page=True)
                        save_small(png, args.out / name, None if args.full_page else height * MAX_SCREENS[width])
                        print(f"  {name}", flush=True)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    total = sum(p.stat().st_size for p in args.out.glob("*.png"))
    print(f"{len(shots) * len(WIDTHS)} screenshots in {args.out} ({total / 1_000_000:.1f} MB in all)")
    if overflowing:
        print("Wider than the window (content cut or scrolling sideways):")
        for name in overflowing:
            print(f"  {name}")
        sys.exit(1)


if __name__ == "__main__":
    main()
