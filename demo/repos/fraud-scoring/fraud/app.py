import logging
import os

import redis
from flask import Flask

logging.basicConfig(level=logging.INFO)
app = Flask(__name__)
features = redis.Redis.from_url(os.environ["REDIS_URL"])


@app.get("/score")
def score():
    logging.info("scored")
    return {"risk": 0.1}
