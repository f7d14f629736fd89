"""Meeting.area points to councils.Area (the same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0004_area_moves_here'),
        ('meetings', '0005_attendance_guest_key'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='meeting',
                    name='area',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='meetings', to='councils.area', verbose_name='area'),
                ),
            ],
            database_operations=[],
        ),
    ]
