"""The count rule (issue 9): an automatic agenda item keeps its figures with restricted
incidents apart, for public authorities.

Items filled before it may count restricted incidents in their description, which every member
reads. Their text becomes the public-authority text and the shared one is left empty; a refill
(unlocked meetings) writes both anew.
"""

from django.db import migrations, models
from django.db.models import F

# The automatic items whose text holds incident counts.
COUNTING_SOURCES = ["incidents:since-last-meeting", "situation_report:report"]


def keep_old_counts_for_authorities(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    AgendaItem._base_manager.filter(source_key__in=COUNTING_SOURCES).update(
        restricted_description=F("description"), description=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaitem",
            name="restricted_description",
            field=models.TextField(
                blank=True, editable=False, verbose_name="description for public authorities"
            ),
        ),
        migrations.RunPython(keep_old_counts_for_authorities, migrations.RunPython.noop),
    ]
