"""Logging offline (issue 16): what the incident form and a safety walk's observation form share
so that an entry a device kept while offline is saved once, however often it is sent.

The device (static/js/offline-queue.js) gives each entry a ``client_key`` (a UUID) and sends it
with the header ``X-Trygghet-Queue: 1``; the answer is JSON then (``queue_saved`` and
``queue_refused``). The unique constraint on ``client_key`` is the real guard: two sends at the
same moment race to the INSERT, and the loser answers with the winner's row (``save_once``).

Online, the page sends the form itself too (``fetch``, header ``X-Trygghet-Submit: 1``, the
entry's key already in it), so that a server it cannot reach ("lie-fi": the device thinks it is
online) keeps the entry in the queue instead of losing it to the browser's error page. That post
is the ordinary one in every other way (the near-duplicate question, the page with the form's
errors); only its redirect is answered as JSON (``answers_page_fetch``), since a script cannot
read where a redirect goes, and the page goes there itself (the messages wait in the session).
"""

from functools import wraps

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from . import attachments, files


def is_queue_request(request):
    return request.headers.get("X-Trygghet-Queue") == "1"


def is_page_fetch(request):
    """The form's ordinary post, sent by the page's script (see the module's docstring)."""
    return request.headers.get("X-Trygghet-Submit") == "1" and not is_queue_request(request)


def answers_page_fetch(view):
    """A redirect of ``view`` answered as ``{"status": "redirect", "url": ...}`` to the page's
    own post (``is_page_fetch``); every other answer as it is. Inside ``municipal_view``: a
    redirect to the login page stays one (the page keeps the entry and asks to log in)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if (
            request.method == "POST"
            and is_page_fetch(request)
            and response.status_code in (301, 302, 303, 307, 308)
        ):
            return JsonResponse({"status": "redirect", "url": response["Location"]})
        return response

    return wrapper


class PhotoFieldsMixin(forms.Form):
    """A photo (optional), the person's consent to take the position from it, and the device's
    key of the entry. Mixed into a ModelForm before ``forms.ModelForm``."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    use_photo_position = forms.BooleanField(
        label=_("Use the photo’s position"),
        required=False,
        help_text=_(
            "Only if you tick this: the position stored in the photo fills in latitude and "
            "longitude when they are empty. Everything else stored in the photo (camera, time, "
            "position) is removed before it is saved."
        ),
    )
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_max_bytes = files.max_photo_bytes()
        self.photo_limit_mb = limit = self.photo_max_bytes // (1024 * 1024)
        self.fields["photo"].help_text = _(
            "JPEG, PNG or WebP, at most %(limit)s MB. It is made smaller on your device before "
            "it is sent."
        ) % {"limit": limit}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            # The size and the type before anything else is done (the full check, by content,
            # is attachments.add_photo's, inside the transaction).
            files.check_upload(photo, files.PHOTO_TYPES, files.max_photo_bytes())
            photo.seek(0)
        return photo


class KeyTaken(Exception):
    """The key names an entry that someone else sent (or another municipality holds): a device
    never reuses a key, so this is a forged or corrupted entry, refused."""


def existing(model, municipality, client_key, user=None):
    """The entry that this person's device already sent with ``client_key`` in
    ``municipality``, or None; ``KeyTaken`` when the key is someone else's."""
    if client_key is None:
        return None
    # A key of another municipality is not found here: its INSERT then fails on the unique
    # constraint and the entry is refused (``save_once``).
    found = model.objects.filter(municipality=municipality, client_key=client_key).first()
    if found is not None and found.created_by_id != getattr(user, "pk", None):
        raise KeyTaken
    return found


def save_once(form, instance, *, user):
    """Save ``instance`` (from ``form``) with its photo in one transaction; returns
    ``(instance, created)``. A second send of the same ``client_key`` returns the first entry
    (``created`` False); a refused photo refuses the whole entry (``ValidationError`` added to
    the form's photo field, None returned: nothing is saved)."""
    key = form.cleaned_data.get("client_key")
    model = type(instance)
    if key is not None:
        instance.client_key = key
        try:
            found = existing(model, instance.municipality, key, user)
        except KeyTaken:
            form.add_error(None, _("This entry cannot be saved: send it again as a new entry."))
            return None, False
        if found is not None:
            return found, False
    try:
        with transaction.atomic():
            instance.save()
            photo = form.cleaned_data.get("photo")
            if photo:
                attachments.add_photo(
                    instance,
                    photo,
                    user=user,
                    use_location=form.cleaned_data.get("use_photo_position", False),
                )
    except ValidationError as error:
        instance.pk = None
        form.add_error("photo", error)
        return None, False
    except IntegrityError:
        # The same key saved by a concurrent send between the look-up and the INSERT (the
        # unique constraint is the guard), or a key another municipality holds (refused).
        # Without a key this is some other constraint: still an error.
        if key is None:
            raise
        instance.pk = None
        try:
            found = existing(model, instance.municipality, key, user)
        except KeyTaken:
            found = None
        if found is None:
            form.add_error(None, _("This entry cannot be saved: send it again as a new entry."))
            return None, False
        return found, False
    return instance, True


def queue_saved(url, *, created):
    return JsonResponse({"status": "saved", "url": url}, status=201 if created else 200)


def queue_refused(form):
    """The form's errors, field by field, in the person's language (``__all__`` for the rest)."""
    errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    return JsonResponse({"status": "refused", "errors": errors}, status=400)
