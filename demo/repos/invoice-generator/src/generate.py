import os

import boto3
from aws_lambda_powertools import Logger, Tracer

logger = Logger()
tracer = Tracer()
bucket = boto3.resource("s3").Bucket(os.environ["INVOICE_BUCKET"])


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event, context):
    logger.info("invoice generated", extra={"customer": event["customer_id"]})
