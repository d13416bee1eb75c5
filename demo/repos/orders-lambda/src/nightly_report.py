import os

from aws_lambda_powertools import Logger

logger = Logger()


def handler(event, context):
    logger.info("nightly report", extra={"table": os.environ["TABLE_NAME"]})
