"""Django's own wording of messages that another installed app's catalogue words differently.

Django REST framework's Swedish catalogue has its own translations of a few of Django's form
messages ("Det här fältet är obligatoriskt." for "This field is required."), and an app's
catalogue outranks Django's own: without these the web forms' messages would change with the
API. Listed here (``gettext_noop``: only so that makemessages keeps them) and translated in
``trygghet/locale`` exactly as Django does; ``trygghet`` comes before ``rest_framework`` in
``INSTALLED_APPS`` so that its catalogue wins. ``tests/trygghet/test_settings.py`` checks that
they still read as Django's.
"""

from django.utils.translation import gettext_noop

DJANGO_WORDING = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("The submitted file is empty."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
]
