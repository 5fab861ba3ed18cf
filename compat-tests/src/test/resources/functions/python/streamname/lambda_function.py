import os
import time


def handler(event, context):
    time.sleep(2)
    return os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
