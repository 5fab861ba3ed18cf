import os
import sys


def handler(event, context):
    """What the function sees of its process: its environment, cwd, module path and stdin."""
    try:
        stdin = os.readlink("/proc/self/fd/0")
    except OSError as e:
        stdin = str(e)
    return {"env": dict(os.environ), "cwd": os.getcwd(), "path": sys.path, "stdin": stdin,
            "stdinAtEof": sys.stdin.read() == ""}
