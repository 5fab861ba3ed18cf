import nonexistent_pkg_xyz  # noqa: F401


def handler(event, context):
    return "unreachable"
