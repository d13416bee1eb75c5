"""ASGI entry point, for servers such as uvicorn (the portal ships with gunicorn + WSGI)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_asgi_application()
