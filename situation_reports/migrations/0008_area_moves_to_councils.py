"""Incidents and upcoming events point to councils.Area (the same table), and
situation_reports forgets its Area: state only, nothing in the database changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0004_area_moves_here'),
        ('meetings', '0006_area_in_councils'),
        ('situation_reports', '0007_police_links_and_failures'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='incident',
                    name='area',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='incidents', to='councils.area', verbose_name='area'),
                ),
                migrations.AlterField(
                    model_name='upcomingevent',
                    name='area',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='upcoming_events', to='councils.area', verbose_name='area'),
                ),
                migrations.AlterField(
                    model_name='historicalincident',
                    name='area',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='councils.area', verbose_name='area'),
                ),
                migrations.DeleteModel(
                    name='Area',
                ),
            ],
            database_operations=[],
        ),
    ]
