"""Outlines (issue 12, point 7): GeoJSON on Area, and a municipality's outline. After the
move of the area table's state (situation_reports 0008), which still creates the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0004_area_moves_here'),
        ('situation_reports', '0008_area_moves_to_councils'),
    ]

    operations = [
        migrations.AddField(
            model_name='area',
            name='outline',
            field=models.JSONField(blank=True, null=True, verbose_name='outline'),
        ),
        migrations.CreateModel(
            name='MunicipalityOutline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('geometry', models.JSONField(verbose_name='outline')),
                ('municipality', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='outline', to='councils.municipality', verbose_name='municipality')),
            ],
            options={
                'verbose_name': 'outline of the municipality',
                'verbose_name_plural': 'outlines of municipalities',
            },
        ),
    ]
