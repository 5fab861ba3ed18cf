def handler(event, context):
    return {
        "fn": context.function_name,
        "arn": context.invoked_function_arn,
        "mem": context.memory_limit_in_mb,
        "rid": context.aws_request_id,
        "remaining": context.get_remaining_time_in_millis(),
        "group": context.log_group_name,
        "stream": context.log_stream_name,
        "version": context.function_version,
    }
