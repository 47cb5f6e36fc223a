"""Who carries out each service, the states it is specific to and its search words (services.applicability, services.search)."""

from django.db import migrations, models


def derive(apps, schema_editor) -> None:
    from service_inventory.catalogue import derived_fields

    Service = apps.get_model("services", "Service")
    changed = []
    for service in Service.objects.only("pk", "leika_key", "name", "leistungstyp", "legal_basis"):
        for field, value in derived_fields(
            service.leika_key, service.name, service.leistungstyp, service.legal_basis
        ).items():
            setattr(service, field, value)
        changed.append(service)
    Service.objects.bulk_update(changed, ["scope", "states", "search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("services", "0002_load_catalogue")]

    operations = [
        migrations.AddField(
            model_name="service",
            name="scope",
            field=models.CharField(
                choices=[
                    ("municipal", "municipality"),
                    ("open", "state or municipality"),
                    ("district", "district and district-free city"),
                    ("state", "federal state"),
                    ("federal", "federal government"),
                    ("body", "chamber or social insurance"),
                    ("unknown", "cannot be determined"),
                ],
                db_index=True,
                default="unknown",
                max_length=20,
                verbose_name="carried out by",
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="states",
            field=models.CharField(
                blank=True,
                help_text="Empty: the service exists in every state.",
                max_length=60,
                verbose_name="federal states",
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="search words"),
        ),
        migrations.RunPython(derive, migrations.RunPython.noop),
    ]
