"""Official records (allmän handling) that are locked once approved: a meeting's minutes and a
situation report, with the rows that are part of them.

One rule, written once. A model that is (part of) such a record mixes in ``LockedRecordMixin``
and says, in ``in_locked_record()``, whether this row belongs to a locked record as the database
holds it (not as the instance in memory says); ``save()`` and ``delete()`` then refuse with the
model's own ``RecordLocked`` subclass (``locked_error``), which carries the message the user
reads and the error code that tests and templates check. Rows that go on changing in some
fields after approval (an action item is followed up until it is done) narrow the refusal of a
save in ``changes_locked_record()``.

The admin shows a locked record instead of refusing with an error: ``LockedRecordAdminMixin``
for the record's own page, ``LockedRecordInlineMixin`` for its rows shown inline.

The same rule is a PostgreSQL trigger in each app's migrations, for the paths that bypass
``save()`` (queryset updates, bulk inserts, SQL); here it gives a clear message.
"""

from django.core.exceptions import ValidationError


class RecordLocked(ValidationError):
    """Something tried to change a locked official record. Each record's subclass sets the
    ``message`` the user reads and its ``code``."""

    message = ""
    code = "record_locked"

    def __init__(self):
        super().__init__(type(self).message, code=type(self).code)


class LockedRecordMixin:
    """A model whose rows may not be changed or deleted once their record is approved."""

    locked_error = RecordLocked

    def in_locked_record(self):
        """Whether this row, as stored, is part of a locked record (the model's hook)."""
        raise NotImplementedError

    def changes_locked_record(self, update_fields=None):
        """Whether saving this row now would change a locked record: any save of a row in one,
        unless the model lets some fields change after approval."""
        return self.in_locked_record()

    def save(self, *args, **kwargs):
        if self.changes_locked_record(kwargs.get("update_fields")):
            raise self.locked_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.in_locked_record():
            raise self.locked_error()
        return super().delete(*args, **kwargs)


def stored_changes(instance, update_fields=None, exclude=()):
    """{field name: stored value} of the concrete fields whose value in ``instance`` differs
    from its stored row (only ``update_fields`` when given; never those in ``exclude``), or
    None when the row is not stored: how a locked record tells a follow-up change from a
    change of the record."""
    if instance._state.adding or instance.pk is None:
        return None
    stored = type(instance)._base_manager.filter(pk=instance.pk).values().first()
    if stored is None:
        return None
    fields = [
        f for f in instance._meta.concrete_fields if not f.primary_key and f.name not in exclude
    ]
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    return {
        f.name: stored[f.attname]
        for f in fields
        if stored[f.attname] != getattr(instance, f.attname)
    }


def follow_up_fields(model):
    """The fields of ``model`` that may change after its record is approved."""
    return tuple(getattr(model, "follow_up_fields", ()))


class LockedRecordAdminMixin:
    """A ``ModelAdmin`` of a locked record (or of rows that are part of one): shown, never
    changed or deleted (the model and the trigger refuse anyway; here it is a read-only page
    instead of an error). Only the model's ``follow_up_fields`` stay editable; a model without
    any gets the admin's view-only page."""

    def record_locked(self, obj):
        """Whether ``obj`` belongs to a locked record (as loaded for this page)."""
        return obj is not None and obj.is_locked

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        follow_up = follow_up_fields(self.model)
        if follow_up and self.record_locked(obj):
            readonly += [f.name for f in self.model._meta.fields if f.name not in follow_up]
        return readonly

    def has_change_permission(self, request, obj=None):
        if self.record_locked(obj) and not follow_up_fields(self.model):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self.record_locked(obj):
            return False
        return super().has_delete_permission(request, obj)


class LockedRecordInlineMixin:
    """An inline of a locked record's rows: none added, changed or deleted once the record
    (the page's object, ``obj``) is locked."""

    def record_locked(self, obj):
        return obj is not None and obj.is_locked

    def has_add_permission(self, request, obj=None):
        return not self.record_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.record_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.record_locked(obj) and super().has_delete_permission(request, obj)
