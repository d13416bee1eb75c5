import os

import dj_database_url
import sentry_sdk

SECRET_KEY = os.environ["SECRET_KEY"]
DATABASES = {"default": dj_database_url.config(env="DATABASE_URL", conn_max_age=60)}
CELERY_BROKER_URL = os.environ["REDIS_URL"]
sentry_sdk.init(dsn=os.environ.get("SENTRY_DSN"), traces_sample_rate=0.1)
LOGGING = {
    "version": 1,
    "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
}
