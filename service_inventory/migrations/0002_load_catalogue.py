"""Load the shipped OZG and LeiKa catalogues, so every installation has them after `migrate`.

Skipped for test databases: the 5,808 rows would slow every app's test database and the
whole-installation export round trip; service tests load a small subset (service_inventory/testing.py)
and the demo loads the full catalogue itself (service_inventory/demo.py). Newer catalogue files are
loaded with `manage.py import_service_catalogue`.
"""

from django.conf import settings
from django.db import migrations


def load(apps, schema_editor) -> None:
    if settings.ETAPPE_ENV == "test":
        return
    from service_inventory.catalogue import import_catalogue, read_catalogue

    import_catalogue(
        read_catalogue(), ozg_model=apps.get_model("services", "OzgService"), service_model=apps.get_model("services", "Service")
    )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
