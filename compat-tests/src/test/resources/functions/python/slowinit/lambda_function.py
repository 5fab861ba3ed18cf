import time

time.sleep(1.2)


def handler(event, context):
    return "ok"
