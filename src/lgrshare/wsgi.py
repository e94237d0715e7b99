"""WSGI entry point: ``gunicorn lgrshare.wsgi`` or ``waitress-serve lgrshare.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgrshare.settings")
application = get_wsgi_application()
