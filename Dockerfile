# syntax=docker/dockerfile:1
# The portal's one image: web, worker, beat and the migrate job all run it with another command.

# --- build: install the locked dependencies into a virtualenv ---
FROM python:3.11-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --require-virtualenv -r /tmp/requirements.txt

# --- runtime: the virtualenv and the code, run as an unprivileged user ---
FROM python:3.11-slim-bookworm AS runtime

ARG GIT_SHA=unknown
LABEL org.opencontainers.image.title="twelve-factor-portal" \
      org.opencontainers.image.description="Scores services against the Twelve-Factor App methodology" \
      org.opencontainers.image.source="https://github.com/example/twelve-factor-portal" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.revision="${GIT_SHA}"

ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home portal

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY --chown=10001:10001 . /app

# A numeric user, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001

# Static files are part of the build, never of start-up. The embedded default (no
# DATABASE_URL) needs no secret, so nothing secret is baked in here.
RUN python manage.py collectstatic --noinput

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', timeout=4)"

# gunicorn is PID 1 and receives SIGTERM directly: it stops accepting connections and lets
# in-flight requests finish within graceful_timeout (gunicorn.conf.py).
STOPSIGNAL SIGTERM
CMD ["gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py"]
