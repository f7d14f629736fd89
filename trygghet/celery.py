import os

from celery import Celery, Task, shared_task
from django_scopes import scope

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")


class ScopedTask(Task):
    """Base of every task: it runs with scoping on and no municipality in scope, so a task
    reads municipal rows only inside ``scope(municipality=...)`` (``each_municipality``) or
    ``MunicipalTask``, never by accident (see ``trygghet.tenancy``)."""

    def __call__(self, *args, **kwargs):
        with scope():
            return super().__call__(*args, **kwargs)


class MunicipalTask(ScopedTask):
    """A task for one municipality: its first argument is the municipality's id, and the task
    body runs inside that municipality's scope."""

    def __call__(self, municipality_id, *args, **kwargs):
        from trygghet.tenancy import municipality_scope

        with scope(), municipality_scope(municipality_id):
            return Task.__call__(self, municipality_id, *args, **kwargs)


def municipal_task(*args, **options):
    """``@shared_task`` for a task whose first argument is a municipality id."""
    return shared_task(*args, base=MunicipalTask, **options)


app = Celery("trygghet", task_cls=ScopedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
