"""The page behind a share link (``urls_public``, no login): a meeting's shareable agenda, where
guests say whether they come. The links themselves are kept on ``share_links`` pages."""

from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import get_usage
from django_scopes import scopes_disabled

from trygghet.client_ip import client_ip
from trygghet.tenancy import municipality_scope

from .. import rsvp, services
from ..forms import GuestResponseForm, MemberAnswerForm
from ..ical import build_calendar
from ..models import Attendance, ShareLink, ShareLinkOpening, hash_token
from .common import with_descriptions

GUEST_COOKIE = "trygghet_guest"
REPLIES_PER_LINK = "share-link-replies-per-link"
REPLIES_PER_ADDRESS = "share-link-replies-per-address"


def _no_index(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store, private"
    # Referrer-Policy stays "same-origin" (settings): the token never leaves in a Referer to
    # another site (the video link, say), and the RSVP form keeps a real Origin for CSRF
    # ("no-referrer" would make the browser send Origin: null and the POST fail).
    return response


def _guest_key(request):
    """The guest token the browser keeps for this link, if it looks like one of ours."""
    key = request.COOKIES.get(GUEST_COOKIE, "")
    return key if 40 <= len(key) <= 64 and key.replace("-", "").replace("_", "").isalnum() else None


def _seconds_to_wait_for_a_reply(request, link):
    """Counts this reply against its link and its client address (django-ratelimit, in the
    cache); the seconds to wait if either is over its limit, else None."""
    waits = []
    for group, value, rate in (
        (REPLIES_PER_LINK, str(link.pk), settings.SHARE_LINK_REPLIES_PER_LINK),
        (REPLIES_PER_ADDRESS, client_ip(request), settings.SHARE_LINK_REPLIES_PER_ADDRESS),
    ):
        usage = get_usage(
            request, group=group, key=lambda _g, _r, v=value: v, rate=rate, increment=True
        )
        if usage is not None and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


def _too_many_replies(request, link, seconds):
    response = render(
        request,
        "meetings/shared_too_many.html",
        {"link": link, "minutes": max(1, -(-seconds // 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return _no_index(response)


def _keep_guest_key(response, request, link, guest_key):
    """The guest's token, in a cookie only this link's address gets, for as long as it works."""
    response.set_cookie(
        GUEST_COOKIE,
        guest_key,
        max_age=max(60, int((link.expires_at - timezone.now()).total_seconds())),
        path=request.path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _scoped_by_share_link(view):
    """Run a share-link page inside the scope of the link's municipality. The token is the
    only key and it says nothing of its municipality, so finding which one is a deliberate
    read across municipalities; an unknown token gets a scope that finds nothing."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        with scopes_disabled():
            municipality_id = (
                ShareLink.objects.filter(token_hash=hash_token(token))
                .values_list("municipality_id", flat=True)
                .first()
            )
        with municipality_scope([municipality_id] if municipality_id else []):
            return view(request, token, *args, **kwargs)

    return wrapper


@_scoped_by_share_link
def shared_agenda(request, token):
    """The read-only agenda behind a share link: shareable items only; guests answer there."""
    link = services.find_share_link(token)
    if link is None:
        return _no_index(
            render(request, "meetings/shared_invalid.html", {"reason": "unknown"}, status=404)
        )
    if link.is_revoked or link.is_expired:
        # No opening is written: only valid openings are (issue 9).
        outcome = "revoked" if link.is_revoked else "expired"
        return _no_index(
            render(request, "meetings/shared_invalid.html", {"reason": outcome}, status=410)
        )
    meeting = services.shared_meeting(link)
    guest_key = _guest_key(request)
    own_answer = services.guest_answer(link, meeting, guest_key)
    initial = GuestResponseForm.initial_for(own_answer)
    form = GuestResponseForm(request.POST or None, initial=initial)
    responded = None
    confirmation_to = None
    if request.method == "POST":
        if meeting is None or meeting.is_locked:
            raise Http404
        wait = _seconds_to_wait_for_a_reply(request, link)
        if wait is not None:
            return _too_many_replies(request, link, wait)
        if form.is_valid():
            try:
                responded, guest_key = services.record_guest_response(
                    link,
                    meeting,
                    guest_key=guest_key,
                    name=form.cleaned_data["name"],
                    organisation=form.cleaned_data["organisation"],
                    attending=form.cleaned_data["attending"],
                    email=form.cleaned_data["email"],
                )
            except ValidationError as exc:
                form.add_error("email" if exc.code == "invited" else "name", exc)
            else:
                services.log_opening(link, ShareLinkOpening.RSVP, request)
                if guest_key is None:  # an invited person: the answer waits for their click
                    confirmation_to = responded.user.email
                    responded = None
                    form = GuestResponseForm(initial=initial)
                else:
                    own_answer = responded
                    form = GuestResponseForm(initial=GuestResponseForm.initial_for(own_answer))
    else:
        services.log_opening(link, ShareLinkOpening.SHOWN, request)
    items = []
    upcoming = []
    if meeting is not None:
        items = with_descriptions(
            list(meeting.agenda_items.filter(shareable=True).order_by("position", "pk")), None
        )
        if link.series_id:
            upcoming = list(
                link.series.meetings.filter(start__gt=meeting.start).order_by("start")[:6]
            )
    response = render(
        request,
        "meetings/shared_agenda.html",
        {
            "link": link,
            "token": token,
            "meeting": meeting,
            "items": items,
            "upcoming": upcoming,
            "form": form,
            "responded": responded,
            "own_answer": own_answer,
            "confirmation_to": confirmation_to,
        },
    )
    if responded is not None:
        _keep_guest_key(response, request, link, guest_key)
    return _no_index(response)


@_scoped_by_share_link
def shared_calendar(request, token):
    """The shown meeting (and, for a series, the following ones) as a calendar file."""
    link = services.find_share_link(token)
    if link is None or not link.is_valid:
        raise Http404
    meeting = services.shared_meeting(link)
    if meeting is None:
        raise Http404
    meetings = [meeting]
    if link.series_id:
        meetings += list(link.series.meetings.filter(start__gt=meeting.start).order_by("start")[:6])
    page = request.build_absolute_uri(reverse("meetings_public:share", kwargs={"token": token}))
    name = link.series.display_title if link.series_id else meeting.title
    body = build_calendar(meetings, str(name), url=page)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meeting.ics"'
    return _no_index(response)


def _scoped_by_answer_token(view):
    """Like ``_scoped_by_share_link``, for the signed answer links of invitation mails: the
    signature is checked first, then the invitation's municipality found and scoped."""

    @wraps(view)
    def wrapper(request, token, answer):
        signed = rsvp.attendance_for_token(token)
        municipality_id = None
        if signed is not None:
            with scopes_disabled():
                municipality_id = (
                    Attendance.objects.filter(pk=signed[0], user_id=signed[1])
                    .values_list("meeting__municipality_id", flat=True)
                    .first()
                )
        with municipality_scope([municipality_id] if municipality_id else []):
            return view(request, signed, municipality_id, token, answer)

    return wrapper


@_scoped_by_answer_token
def answer_by_mail(request, signed, municipality_id, token, answer):
    """The answer links of an invitation mail: one click (GET) saves yes or no, again and again
    the same; a substitute's name is asked for on the page (POST). No login: the signed link is
    the key, and it names one invitation."""
    if municipality_id is None or answer not in rsvp.ANSWERS:
        return _no_index(
            render(request, "meetings/answer_invalid.html", {"reason": "unknown"}, status=404)
        )
    invitation = (
        Attendance.objects.select_related("meeting__municipality", "meeting__body", "user")
        .filter(pk=signed[0], user_id=signed[1])
        .first()
    )
    meeting = invitation.meeting
    if not rsvp.can_answer(meeting):
        return _no_index(
            render(
                request,
                "meetings/answer_invalid.html",
                {"reason": "closed", "meeting": meeting},
                status=410,
            )
        )
    form = MemberAnswerForm(
        request.POST or None, initial={"answer": answer, "substitute": invitation.substitute_name}
    )
    saved = False
    if request.method == "POST":
        if form.is_valid():
            invitation = rsvp.answer_invitation(
                invitation, form.cleaned_data["answer"], form.cleaned_data["substitute"]
            )
            saved = True
    elif answer != rsvp.SUBSTITUTE or invitation.status == Attendance.Status.SUBSTITUTE:
        invitation = rsvp.answer_invitation(
            invitation, answer, invitation.substitute_name if answer == rsvp.SUBSTITUTE else ""
        )
        saved = True
    urls = {
        key: reverse("meetings_public:rsvp", kwargs={"token": token, "answer": key})
        for key in rsvp.ANSWERS
    }
    return _no_index(
        render(
            request,
            "meetings/answer.html",
            {
                "invitation": invitation,
                "meeting": meeting,
                "form": form,
                "saved": saved,
                "answer": answer,
                "urls": urls,
            },
        )
    )
