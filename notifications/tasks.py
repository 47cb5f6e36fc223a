"""Background tasks of the notifications (django.tasks): the digests and the mails sent at once.

`manage.py start_periodic` starts the periodic chains (the daily and weekly digest, the hourly
look for surveys that opened or closed) once per installation; `db_worker` runs them
(core/periodic.py).
"""

from datetime import timedelta

from django.tasks import task

from core.periodic import queue_next_run
from notifications.models import Frequency

PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(weeks=1)}
# How often the worker looks for surveys that opened or closed on their dates: followers who want
# each notification at once hear of it within the hour, not only with the next digest.
SURVEY_PHASE_PERIOD = timedelta(hours=1)


def run_digests(frequency: str) -> dict[str, int]:
    from notifications.events import survey_phase_notifications
    from notifications.services import send_digests

    survey_phase_notifications()  # surveys that opened or closed since the last run
    run = send_digests(frequency)
    return {"people": run.people, "mails": run.mails, "notifications": run.notifications, "failed": run.failed}


@task
def daily_digest(reschedule: bool = False) -> dict[str, int]:
    if reschedule:  # first: a worker that dies during the run must not end the chain
        queue_next_run(daily_digest, PERIODS[Frequency.DAILY], reschedule=True)
    return run_digests(Frequency.DAILY)


@task
def weekly_digest(reschedule: bool = False) -> dict[str, int]:
    if reschedule:
        queue_next_run(weekly_digest, PERIODS[Frequency.WEEKLY], reschedule=True)
    return run_digests(Frequency.WEEKLY)


@task
def survey_phases(reschedule: bool = False) -> int:
    """Notify the followers of surveys that opened or closed since the last look."""
    if reschedule:
        queue_next_run(survey_phases, SURVEY_PHASE_PERIOD, reschedule=True)
    from notifications.events import survey_phase_notifications

    return survey_phase_notifications()


@task
def send_immediately(user_ids: list[int]) -> int:
    """The mail of people who want each notification at once: queued after the commit that wrote it."""
    from notifications.services import send_digests

    return send_digests(Frequency.IMMEDIATELY, user_ids=user_ids).mails
