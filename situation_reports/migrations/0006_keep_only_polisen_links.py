"""Links of police events stored before they were checked (issue #10): kept only as https
addresses on polisen.se, before the next migration's check constraint requires it. Its own
migration: rows updated here must be committed before that table is altered."""

from django.db import migrations


def keep_only_polisen_links(apps, schema_editor):
    """Links stored before they were checked: made https on polisen.se, or dropped."""
    from situation_reports.models import police_link

    Incident = apps.get_model("situation_reports", "Incident")
    rows = Incident._base_manager.exclude(police_url="").values_list("pk", "police_url")
    for pk, url in rows.iterator():
        if police_link(url) != url:
            Incident._base_manager.filter(pk=pk).update(police_url=police_link(url))


class Migration(migrations.Migration):
    dependencies = [("situation_reports", "0005_dates_in_range")]

    operations = [migrations.RunPython(keep_only_polisen_links, migrations.RunPython.noop)]
