"""The portal's Django project.

The Celery app is not imported here: ``manage.py score_repo`` would pay for Celery (and its
broker libraries) on every run without using it. ``scorecards.tasks`` imports
``portal.celery`` so that ``@shared_task`` binds to the configured app wherever a task is sent,
and ``celery -A portal`` finds ``portal.celery.app`` on its own.
"""


def __getattr__(name: str):
    # Kept for ``from portal import celery_app``: loads the app only when asked for.
    if name == "celery_app":
        from portal.celery import app

        return app
    raise AttributeError(f"module 'portal' has no attribute {name!r}")
