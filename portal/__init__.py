"""The portal's Django project. The Celery app loads with it so ``@shared_task`` binds to it."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
