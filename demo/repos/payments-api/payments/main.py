import os
import signal

import psycopg
import structlog
from fastapi import FastAPI

log = structlog.get_logger()
app = FastAPI()
DATABASE_URL = os.environ["DATABASE_URL"]


@app.get("/healthz")
def health():
    return {"status": "ok"}


@app.post("/payments")
def create_payment(payment: dict):
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute("insert into payments (body) values (%s)", [payment])
    log.info("payment stored")
    return {"status": "accepted"}


signal.signal(signal.SIGTERM, lambda *_: log.info("shutting down"))
