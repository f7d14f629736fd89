"""Answering an invitation (issue 12, point 4): yes, no, or a substitute comes instead.

Members answer on the meeting page (logged in) or from the invitation e-mail, through a signed
link per answer that works without logging in: one click saves the answer, and clicking it
again saves the same answer again (idempotent). The link names the attendance row and is
signed with the installation's ``SECRET_KEY`` (``django.core.signing``, salted for this use);
it works until the meeting is held, cancelled or its minutes approved.

A guest who answers through a share link with the e-mail address of an invited person is not
added as a second person: the answer goes to the invitation, confirmed from that address (a
mail with the signed link), since anyone holding the share link could type the address.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from trygghet import outbox

from .models import Attendance, Meeting

YES = "yes"
NO = "no"
SUBSTITUTE = "substitute"
ANSWERS = {
    YES: Attendance.Status.ATTENDING,
    NO: Attendance.Status.NOT_ATTENDING,
    SUBSTITUTE: Attendance.Status.SUBSTITUTE,
}
SALT = "meetings.rsvp"


def answer_of(attendance):
    """The answer key (yes/no/substitute) of an attendance's status, or None if unanswered."""
    for key, status in ANSWERS.items():
        if attendance.status == status:
            return key
    if attendance.status == Attendance.Status.PRESENT:
        return YES
    if attendance.status in (Attendance.Status.ABSENT, Attendance.Status.APOLOGIES):
        return NO
    return None


def can_answer(meeting):
    """Whether invitations to ``meeting`` may still be answered: until it is held."""
    return meeting.status in Meeting.NOT_YET_HELD


def check_answerable(meeting):
    if not can_answer(meeting):
        raise ValidationError(
            _("This meeting is over or cancelled: the answer can no longer change."),
            code="closed",
        )


def answer_invitation(attendance, answer, substitute=""):
    """Save a member's answer on their own invitation. Same answer twice: the same row."""
    if answer not in ANSWERS:
        raise ValidationError(_("Choose yes, no or a substitute."), code="invalid")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=attendance.meeting_id)
        check_answerable(meeting)
        attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
        attendance.status = ANSWERS[answer]
        attendance.substitute_name = substitute.strip() if answer == SUBSTITUTE else ""
        attendance.responded_at = timezone.now()
        attendance.save(update_fields=["status", "substitute_name", "responded_at"])
    return attendance


# --- Signed links ---------------------------------------------------------------------------


def token_for(attendance):
    """The signed key of an invitation (its row and person) for the answer links."""
    return signing.dumps([attendance.pk, attendance.user_id], salt=SALT, compress=False)


def attendance_for_token(token):
    """The pk of the invitation a token names, or None when the signature does not hold."""
    try:
        pk, user_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(user_id, int):
        return None
    return pk, user_id


def answer_url(attendance, answer):
    return settings.SITE_URL + reverse(
        "meetings_public:rsvp", kwargs={"token": token_for(attendance), "answer": answer}
    )


def answer_urls(attendance):
    """{answer: absolute link} for an invitation mail."""
    return {answer: answer_url(attendance, answer) for answer in ANSWERS}


# --- Guests who are invited persons ---------------------------------------------------------


def invitation_with_email(meeting, email):
    """The invitation of ``meeting`` whose person has ``email``, if any."""
    if not email:
        return None
    return (
        meeting.attendances.select_related("user")
        .filter(user__isnull=False, user__email__iexact=email.strip())
        .first()
    )


def invitation_with_name(meeting, name):
    """An invitation of ``meeting`` whose person has exactly this full name, if any."""
    wanted = " ".join(name.split()).casefold()
    for attendance in meeting.attendances.select_related("user").filter(user__isnull=False):
        if " ".join(attendance.user.get_full_name().split()).casefold() == wanted:
            return attendance
    return None


def queue_confirmation(attendance, answer):
    """Mail the invited person the link that saves ``answer`` (at most once per answer: the
    outbox keys it). Returns the outbox ids."""
    meeting = attendance.meeting
    user = attendance.user
    with translation.override(settings.LANGUAGE_CODE):
        when = formats.date_format(timezone.localtime(meeting.start), "DATETIME_FORMAT")
        subject = _("Confirm your answer: %(title)s, %(when)s") % {
            "title": meeting.title,
            "when": when,
        }
        body = render_to_string(
            "meetings/email/confirm_answer.txt",
            {
                "meeting": meeting,
                "user": user,
                "when": when,
                "answer_label": ANSWERS[answer].label,
                "url": answer_url(attendance, answer),
            },
        )
    mail = outbox.Mail(user.email, subject, body)
    return outbox.queue(f"rsvp-confirm:{attendance.pk}:{answer}", [mail])
