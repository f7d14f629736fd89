"""Pages of subscriptions (issue 17): "Mina bevakningar" in a municipality, and the one-click
unsubscribe of a mail's link (RFC 8058), which needs no login."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import alerts
from .access import municipal_view
from .alert_models import Subscription
from .forms_alerts import SubscriptionForm


def _list_url(request):
    return reverse("subscription-list", kwargs={"municipality": request.municipality.slug})


def _mine(request):
    return (
        Subscription.objects.restrict(request.membership)
        .prefetch_related("categories", "areas", "bodies")
        .order_by("-is_active", "kind", "created_at", "pk")
    )


@municipal_view()
def subscription_list(request):
    return render(request, "trygghet/subscription_list.html", {"subscriptions": _mine(request)})


def _form_page(request, form, *, title, submit):
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": title, "submit_label": submit, "back_url": _list_url(request)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@municipal_view()
@require_http_methods(["GET", "POST"])
def subscription_create(request):
    form = SubscriptionForm(request.POST or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            subscription = form.save(commit=False)
            subscription.municipality = request.municipality
            subscription.user = request.user
            subscription.save()
            form.save_m2m()
        messages.success(request, _("The subscription was saved."))
        return redirect(_list_url(request))
    return _form_page(request, form, title=_("New subscription"), submit=_("Save the subscription"))


@municipal_view()
@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk):
    subscription = get_object_or_404(Subscription.objects.restrict(request.membership), pk=pk)
    form = SubscriptionForm(
        request.POST or None, instance=subscription, membership=request.membership
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("The subscription was saved."))
        return redirect(_list_url(request))
    return _form_page(request, form, title=_("Change subscription"), submit=_("Save"))


@require_POST
@municipal_view()
def subscription_toggle(request, pk):
    """Pause or resume (htmx: the row again). The form says which (``active``), so a button
    pressed twice, or a post sent again, leaves it as asked instead of flipping it back."""
    subscription = get_object_or_404(Subscription.objects.restrict(request.membership), pk=pk)
    wanted = request.POST.get("active")
    active = wanted == "1" if wanted in ("0", "1") else not subscription.is_active
    if active != subscription.is_active:
        subscription.is_active = active
        subscription.save(update_fields=["is_active", "updated_at"])
    if request.htmx:
        return render(request, "trygghet/_subscription_row.html", {"s": subscription})
    return redirect(_list_url(request))


@require_POST
@municipal_view()
def subscription_delete(request, pk):
    subscription = get_object_or_404(Subscription.objects.restrict(request.membership), pk=pk)
    subscription.delete()
    messages.success(request, _("The subscription was removed."))
    return redirect(_list_url(request))


# One click from the mail client (RFC 8058): a POST without login, without a CSRF token (the
# client has none; the signed token is the proof). Only this view is exempt. A GET (a person
# following the link) shows a button instead, so a link checker that fetches it changes nothing.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = alerts.read_unsubscribe_token(token)
    if found is None:
        return render(request, "trygghet/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        subscriptions = alerts.unsubscribe(token)
        return render(
            request, "trygghet/unsubscribe.html", {"done": True, "subscriptions": subscriptions}
        )
    return render(request, "trygghet/unsubscribe.html", {"token": token})
