"""Area moves from situation_reports to councils (issue 11): the model's state only; the
table keeps its name, situation_reports_area, and its rows."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0003_dates_in_range'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Area',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('kind', models.CharField(choices=[('district', 'district'), ('locality', 'locality')], default='locality', max_length=16, verbose_name='kind')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=5, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(55.0), django.core.validators.MaxValueValidator(69.1)], verbose_name='latitude')),
                        ('longitude', models.DecimalField(blank=True, decimal_places=5, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(10.9), django.core.validators.MaxValueValidator(24.2)], verbose_name='longitude')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='councils.municipality', verbose_name='municipality')),
                    ],
                    options={
                        'verbose_name': 'area',
                        'verbose_name_plural': 'areas',
                        'db_table': 'situation_reports_area',
                        'ordering': ['municipality', 'name'],
                        'constraints': [models.UniqueConstraint(fields=('municipality', 'name'), name='area_unique_name')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
