def handler(event, context):
    import sys

    sys.exit(1)
