"""Anonymous surveys link no answer to a person (issue 14, finding 9).

Existing data is brought into the new form: a used invitation keeps only the flag, an answer
keeps only the day, the keys of invitation and account answers become random (the accounts that
answered are recorded in Participation, found by recomputing the old keyed hashes once, here),
browser keys lose their prefix, and the answers of anonymous surveys get random ids.
"""

import hashlib
import hmac
import secrets
import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

RANDOM_IDS = (2**40, 2**53)  # as surveys.services.RANDOM_IDS


def _old_key(kind: str, survey_pk: int, value: object) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{survey_pk}:{kind}:{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:40]}"


def forwards(apps, schema_editor) -> None:
    Invitation = apps.get_model("surveys", "Invitation")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    Participation = apps.get_model("surveys", "Participation")
    User = apps.get_model(settings.AUTH_USER_MODEL)

    Invitation.objects.filter(used_at__isnull=False).update(used=True, used_at=None)

    for response in Response.objects.only("pk", "submitted_at").iterator(chunk_size=2000):
        Response.objects.filter(pk=response.pk).update(submitted_on=timezone.localtime(response.submitted_at).date())

    # Accounts that answered: the old key was HMAC(SECRET_KEY, survey and account), so it is
    # computed once more for every account and survey with such keys, then thrown away.
    account_keys: dict[int, set[str]] = {}
    for survey_id, key in Response.objects.filter(respondent_key__startswith="u:").values_list(
        "survey_id", "respondent_key"
    ):
        account_keys.setdefault(survey_id, set()).add(key)
    if account_keys:
        user_ids = list(User.objects.values_list("pk", flat=True))
        Participation.objects.bulk_create(
            [
                Participation(survey_id=survey_id, user_id=user_id)
                for survey_id, keys in account_keys.items()
                for user_id in user_ids
                if _old_key("u", survey_id, user_id) in keys
            ],
            ignore_conflicts=True,
        )
    for response in Response.objects.exclude(respondent_key__startswith="b:").only("pk").iterator(chunk_size=2000):
        Response.objects.filter(pk=response.pk).update(respondent_key=secrets.token_hex(20))
    for response in Response.objects.filter(respondent_key__startswith="b:").only("pk", "respondent_key"):
        Response.objects.filter(pk=response.pk).update(respondent_key=response.respondent_key[2:])

    # The answers of anonymous surveys get random ids: ids counted up in the order of arrival
    # could be lined up with the order in which links were used or people logged in.
    anonymous = Response.objects.filter(survey__anonymous=True)
    for old in list(anonymous.values_list("pk", flat=True)):
        new = RANDOM_IDS[0] + secrets.randbelow(RANDOM_IDS[1] - RANDOM_IDS[0])
        Response.objects.filter(pk=old).update(id=new)
        Answer.objects.filter(response_id=old).update(response_id=new)
    for old in list(Answer.objects.filter(response__survey__anonymous=True).values_list("pk", flat=True)):
        if old < RANDOM_IDS[0]:
            Answer.objects.filter(pk=old).update(id=RANDOM_IDS[0] + secrets.randbelow(RANDOM_IDS[1] - RANDOM_IDS[0]))


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="used",
            field=models.BooleanField(default=False, verbose_name="used"),
        ),
        migrations.AddField(
            model_name="response",
            name="submitted_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="submitted on"),
        ),
        migrations.CreateModel(
            name="Participation",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participations",
                        to="surveys.survey",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="survey_participations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("survey", "user"), name="one_participation_per_account")
                ],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
