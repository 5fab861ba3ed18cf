import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    logger.info("hello from logging")
    print("hello from print")
    return "ok"
