"""WSGI entry point, ``lgrshare.wsgi:application``: ``lgrshare serve`` (gunicorn), or any server.

Django's application is wrapped in ``web.proxy.ProxyHeaders``, so that the scheme and the
client's address come from ``LGRSHARE_TRUSTED_PROXIES`` and only from them.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from lgrshare.web.proxy import ProxyHeaders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgrshare.settings")
application = ProxyHeaders(get_wsgi_application(), trusted=settings.TRUSTED_PROXIES)
