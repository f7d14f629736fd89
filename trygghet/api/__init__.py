"""What every endpoint of the API for partners' systems shares (issue 15; README "API for
partners' systems"): token authentication, the scope check, the municipality in scope,
problem details (RFC 9457), cursor pagination, rate limits, and the addresses.

**Access, as on the web pages.** A request carries ``Authorization: Bearer <token>``. The
token (``councils.models.ApiToken``) names one municipality and one organisation;
``auth.TokenAuthentication`` finds it by its hash before any municipality is in scope (so
``trygghet/api/auth.py`` is one of the listed bypasses of scoping), and
``views.MunicipalAPIView`` then runs the whole view inside ``scope(municipality=...)``
with ``request.membership`` set to the token's partner membership
(``ApiToken.acting_membership``). Every endpoint starts from
``Model.objects.restrict(request.membership)``, exactly as a page does: another
municipality's rows answer 404, and a private company's token never meets a restricted
incident or a figure made from one.

**Errors** are ``application/problem+json`` with ``type``, ``title``, ``status`` and ``detail``
in the request's language (``Accept-Language``, Swedish by default), and for invalid input
``errors``: a list of ``{"pointer": "#/field", "detail": "..."}``. ``type`` is
``urn:trygghet:problem:<code>`` with a code that does not change between versions.

The modules: ``auth`` (the token, its scopes, the rate limits), ``views`` (the base view,
the filter backend, pagination), ``problems`` (errors as problem details), ``schema`` (the
OpenAPI description of the token), ``urls``. This package's ``__init__`` imports nothing:
DRF's settings name classes in ``auth``, and DRF reads them while its own views are imported.
"""
