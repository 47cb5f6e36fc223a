from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_anonymity")]

    operations = [
        migrations.AlterModelOptions(name="response", options={"ordering": ["submitted_on", "pk"]}),
        migrations.RemoveField(model_name="invitation", name="used_at"),
        migrations.RemoveField(model_name="response", name="submitted_at"),
    ]
