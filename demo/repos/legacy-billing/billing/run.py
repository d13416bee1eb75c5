import logging

import psycopg2

logging.basicConfig(filename="/var/log/billing/run.log", level=logging.INFO)
DB = "host=billing-db.internal.acme.net dbname=billing user=billing"


def main():
    with psycopg2.connect(DB) as conn:
        conn.cursor().execute("select bill_all()")
    logging.info("billed")
