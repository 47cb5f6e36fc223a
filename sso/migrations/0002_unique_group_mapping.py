from django.db import migrations, models

# Most rights first, as accounts.models.Role (and sso.mapping.RANK) order them.
RANK = ["administrator", "strategy_team", "staff", "council", "citizen", ""]


def drop_duplicates(apps, schema_editor):
    """Keep one row per (provider, group): the one with the highest role, which is what sign-in
    used; its unit stays, the units of the others go."""
    GroupMapping = apps.get_model("sso", "GroupMapping")
    seen: dict[tuple[int, str], object] = {}
    for row in GroupMapping.objects.order_by("pk"):
        key = (row.provider_id, row.group)
        kept = seen.get(key)
        if kept is None:
            seen[key] = row
            continue
        rank = RANK.index(row.role) if row.role in RANK else len(RANK)
        kept_rank = RANK.index(kept.role) if kept.role in RANK else len(RANK)
        if rank < kept_rank:
            kept.delete()
            seen[key] = row
        else:
            row.delete()


class Migration(migrations.Migration):
    dependencies = [("sso", "0001_initial")]

    operations = [
        migrations.RunPython(drop_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="groupmapping",
            constraint=models.UniqueConstraint(fields=("provider", "group"), name="unique_group_mapping"),
        ),
    ]
