import json
import os

import boto3
from aws_lambda_powertools import Logger

logger = Logger()
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@logger.inject_lambda_context
def handler(event, context):
    order = json.loads(event["body"])
    table.put_item(Item=order)
    logger.info("order stored", extra={"order_id": order["id"]})
    return {"statusCode": 201, "body": json.dumps({"id": order["id"]})}
