"""Lamina's Python runtime: the Lambda Runtime API (2018-06-01) client loop that runs a Python handler.

Launched as `python3 -u <runtime dir>/python/bootstrap.py`, which runs this file's code as __main__ (from its
bytecode, which Lamina compiles when it lays out the runtime folder), cwd = the function's task root. It reproduces
what handlers and callers observe with AWS's Python runtime (awslambdaric 3.x, python3.9-3.14): handler
loading and its Runtime.* faults, the context object, the root logger's handler and format, JSON
marshalling, and the error bodies and [ERROR] log records. Where awslambdaric has a quirk a user can
observe (e.g. memory_limit_in_mb is a str), it is kept on purpose.

Environment read: AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT (else cwd), AWS_LAMBDA_FUNCTION_NAME,
AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME,
AWS_LAMBDA_LOG_STREAM_NAME, AWS_LAMBDA_LOG_LEVEL, AWS_LAMBDA_LOG_FORMAT, AWS_EXECUTION_ENV, LAMINA_PRESTART.
Environment written: _X_AMZN_TRACE_ID (per invocation).

Pre-start (LAMINA_PRESTART set, with an environment that is not yet the function's): the start-up work that
does not depend on the function is done, then the function's environment is read from stdin until EOF, as
NAME=VALUE entries each ended by a NUL byte (as /proc/PID/environ), UTF-8. No data: exit 0 (the slot was
discarded). Otherwise the process environment becomes exactly those entries (plus what the interpreter
itself added at start, as a normal start would show: LC_CTYPE from PEP 538 locale coercion), stdin becomes
/dev/null, the cwd becomes LAMBDA_TASK_ROOT, and the start goes on as a normal one. When the two
environments differ in a variable that the interpreter or the C library read at start (PYTHON*, LANG,
LC_*, LD_*, TZ, HOME, ...: see STARTUP_VARIABLES), the process re-executes itself with the function's
environment instead, which is a normal start.

Exit status: 1 after an init error (reported once to /runtime/init/error), whatever the handler passes
to sys.exit(), 0 on SIGTERM.

Standard library only, one file. Startup and idle memory are kept close to a bare interpreter's: before the
handler module only os, sys, time, importlib and the C modules _json, _socket and _signal are imported
(the json package would add re, ~6 ms and ~1 MiB; http.client ~25 ms: it pulls in ssl and email);
logging is configured the moment something imports it, and traceback is imported only when there is an
error to report.
"""

import os
import sys
import time
import _signal
import _socket

RUNTIME = "/2018-06-01/runtime"
RUNTIME_FILE = (lambda: None).__code__.co_filename  # this file, as its frames show in tracebacks
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"

_request_id = None  # of the invocation in progress (or the last one): stamped on log records
_tenant_id = None


# --------------------------------------------------------------------------------------------------
# Runtime API client
# --------------------------------------------------------------------------------------------------


class RuntimeAPI:
    """HTTP/1.1 on one persistent connection, no timeouts (GET /next blocks until there is work).

    Per request: one sendall of a head built from parts made once, and recv_into one reusable buffer (a
    fresh 256 KiB bytes object per recv cost an mmap, an mremap and a munmap each time)."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.address = (host.strip("[]"), int(port))
        # Host, User-Agent: what follows every request line.
        self.head_rest = " HTTP/1.1\r\nHost: %s\r\nUser-Agent: aws-lambda-python/%d.%d.%d-lamina\r\n" % (
            (address,) + sys.version_info[:3])
        self.next_request = ("GET " + RUNTIME + "/invocation/next" + self.head_rest + "\r\n").encode()
        self.sock = None
        self.buf = bytearray(16384)  # what was received and not yet consumed is buf[start:end]
        self.start = self.end = 0

    def next_invocation(self):
        status, headers, body = self.send(self.next_request)
        if status != 200:
            raise OSError("GET /invocation/next answered %d: %r" % (status, bytes(body[:200])))
        return headers, body

    def post(self, path, body, content_type="application/json", error_type=None):
        headers = [("Content-Type", content_type)]
        if error_type is not None:
            headers.append((ERROR_TYPE_HEADER, error_type))
        # The status is not checked: a rejected answer (say, for a request that was already answered
        # or timed out) leaves nothing for the runtime to do but wait for the next invocation.
        self.request("POST", RUNTIME + path, body, headers)

    def request(self, method, path, body=None, headers=()):
        head = method + " " + path + self.head_rest
        if body is not None:
            head += "Content-Length: %d\r\n" % len(body)
        for h in headers:
            head += "%s: %s\r\n" % h
        data = (head + "\r\n").encode()
        return self.send(data + body if body else data)

    def send(self, data):
        while True:
            fresh = self.sock is None
            if fresh:
                self._connect()
            try:
                self.sock.sendall(data)
                return self._read_response()
            except OSError:
                self._close()
                if fresh:
                    raise
                # The server dropped a kept-alive connection before answering: retry once on a new one.

    def _connect(self):
        host, port = self.address
        error = OSError("cannot resolve " + host)
        # The host as bytes: as str, getaddrinfo would import the IDNA codec (~1 ms) to encode it.
        for family, kind, proto, _, addr in _socket.getaddrinfo(host.encode(), port, 0, _socket.SOCK_STREAM):
            sock = _socket.socket(family, kind, proto)
            sock.settimeout(None)  # not the default timeout, which user code may have set
            try:
                sock.connect(addr)
            except OSError as e:
                sock.close()
                error = e
                continue
            if family != _socket.AF_UNIX:
                sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            self.sock = sock
            self.start = self.end = 0
            return
        raise error

    def _close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _fill(self):
        """Receives more data after buf[start:end], making room first (moving the data, or growing buf)."""
        buf, start, end = self.buf, self.start, self.end
        if end == len(buf):
            if start > 0:
                buf[: end - start] = buf[start:end]
                self.start, self.end = start, end = 0, end - start
            else:
                buf.extend(bytes(len(buf)))
        with memoryview(buf) as view:
            n = self.sock.recv_into(view[end:])
        if not n:
            raise ConnectionResetError("the Runtime API closed the connection")
        self.end = end + n

    def _consume(self, n):
        """buf[start:start+n] as bytes, which then counts as read."""
        start = self.start
        self.start = start + n
        if self.start == self.end:
            self.start = self.end = 0
        return bytes(self.buf[start : start + n])

    def _read_until(self, separator):
        """The data up to separator (a bytearray), which is consumed with it."""
        searched = 0  # bytes after start searched without a match, bar the last len(separator) - 1
        while True:
            i = self.buf.find(separator, self.start + searched, self.end)
            if i >= 0:
                break
            searched = max(0, self.end - self.start - len(separator) + 1)
            self._fill()
        line = self.buf[self.start : i]
        self.start = i + len(separator)
        if self.start == self.end:
            self.start = self.end = 0
        return line

    def _read_exactly(self, n):
        available = self.end - self.start
        if available >= n:
            return self._consume(n)
        # A large body: received straight into its own buffer, without growing the reusable one.
        data = bytearray(n)
        data[:available] = self.buf[self.start : self.end]
        self.start = self.end = 0
        with memoryview(data) as view:
            while available < n:
                received = self.sock.recv_into(view[available:])
                if not received:
                    raise ConnectionResetError("the Runtime API closed the connection")
                available += received
        return data

    def _read_response(self):
        lines = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        status = int(lines[0].split(None, 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts = []
            while True:
                size = int(self._read_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    while self._read_until(b"\r\n"):  # trailers
                        pass
                    break
                parts.append(self._read_exactly(size))
                self._read_until(b"\r\n")
            body = b"".join(parts)
        elif "content-length" in headers:
            body = self._read_exactly(int(headers["content-length"]))
        elif status < 200 or status in (204, 304):
            body = b""
        else:  # delimited by the end of the connection
            try:
                while True:
                    self._fill()
            except ConnectionResetError:
                pass
            body = self._consume(self.end - self.start)
            self._close()
        if headers.get("connection", "").lower() == "close":
            self._close()
        return status, headers, body


# --------------------------------------------------------------------------------------------------
# Errors, as awslambdaric builds, logs and posts them
# --------------------------------------------------------------------------------------------------


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def build_fault_result(exc_info, invoke_id=None):
    """The error of an exception raised by user code; the frames start at the first one outside this file."""
    import traceback

    etype, value, tb = exc_info
    # Plain tuples, as awslambdaric passes them, so that format_list prints no ^^^ position markers.
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame[0] and frame[0] != RUNTIME_FILE:
            frames = frames[i:]
            break
    return make_error(str(value), etype.__name__, traceback.format_list(frames), invoke_id)


def log_error(error):
    """Print the [ERROR] record. In Text format its lines are joined with \\r and indented with no-break
    spaces, so that a line-oriented log collector keeps the record, traceback included, as one event."""
    if LOG_FORMAT_JSON:
        record = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "level": "ERROR"}
        record.update(error)
        sys.stdout.write(to_json(record) + "\n")
        return
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"]
    if error["errorMessage"]:
        if error["errorType"]:
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        if element == "":
            lines.append("")
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")


# --------------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------------


# The json package's loads() and JSONEncoder().encode(), with their defaults, straight on its C accelerator
# _json: the package itself would import re (~6 ms, ~1 MiB). What goes in and comes out is the same, errors
# included (their exception types come from json.decoder, imported when one is raised). Without a usable
# _json, the package is used.


def _ensure_ascii():
    # awslambdaric writes non-ASCII characters as themselves from python3.12 on, as \uXXXX before.
    prefix = "AWS_Lambda_python3."
    env = os.environ.get("AWS_EXECUTION_ENV", "")
    return not (env.startswith(prefix) and env[len(prefix):].isdigit() and int(env[len(prefix):]) >= 12)


def _default(o):
    # Decimals (as boto3's DynamoDB layer returns them) become JSON numbers: awslambdaric encodes them
    # through a float subclass, so what comes out is the float's repr.
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(o, decimal.Decimal):
        return float("nan") if o.is_nan() else float(o)
    # As json.JSONEncoder.default.
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


def _json_error(msg, doc, pos):
    from json.decoder import JSONDecodeError

    return JSONDecodeError(msg, doc, pos)


def _detect_encoding(b):
    # json.detect_encoding.
    if b.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        return "utf-32"
    if b.startswith((b"\xfe\xff", b"\xff\xfe")):
        return "utf-16"
    if b.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if len(b) >= 4:
        if not b[0]:
            return "utf-16-be" if b[1] else "utf-32-be"
        if not b[1]:
            return "utf-16-le" if b[2] or b[3] else "utf-32-le"
    elif len(b) == 2:
        if not b[0]:
            return "utf-16-be"
        if not b[1]:
            return "utf-16-le"
    return "utf-8"


class _DecoderDefaults(object):
    """What the C scanner reads from a json.JSONDecoder(): its defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


try:
    from _json import encode_basestring, encode_basestring_ascii, make_encoder, make_scanner

    _scan_once = make_scanner(_DecoderDefaults())
    make_encoder({}, _default, encode_basestring, None, ": ", ", ", False, False, True)
except Exception:  # no C accelerator: the json package
    _scan_once = None


def json_loads(s):
    """json.loads(s)."""
    if _scan_once is None:
        import json

        return json.loads(s)
    if isinstance(s, str):
        if s.startswith("\ufeff"):
            raise _json_error("Unexpected UTF-8 BOM (decode using utf-8-sig)", s, 0)
    else:
        s = s.decode(_detect_encoding(s), "surrogatepass")
    try:
        return _json_decode(s)
    except SystemError:
        # Before python3.12 the scanner raises its JSONDecodeError only if json.decoder is already imported.
        if "json.decoder" in sys.modules:
            raise
    import json.decoder  # noqa: F401

    return _json_decode(s)


def _json_decode(s):
    """json.JSONDecoder().decode(s)."""
    end = len(s)
    idx = end - len(s.lstrip(" \t\n\r"))
    try:
        obj, idx = _scan_once(s, idx)
    except StopIteration as err:
        raise _json_error("Expecting value", s, err.value) from None
    if idx != end:
        idx = end - len(s[idx:].lstrip(" \t\n\r"))
        if idx != end:
            raise _json_error("Extra data", s, idx)
    return obj


class Encoder(object):
    """A json.JSONEncoder(ensure_ascii=ensure_ascii) whose default() encodes Decimals as numbers."""

    def __init__(self, ensure_ascii):
        if _scan_once is None:
            import json

            class _Encoder(json.JSONEncoder):
                def default(self, o):
                    return _default(o)

            self.encode = _Encoder(ensure_ascii=ensure_ascii).encode
        else:
            self.encode_str = encode_basestring_ascii if ensure_ascii else encode_basestring

    def encode(self, o):
        if isinstance(o, str):
            return self.encode_str(o)
        chunks = make_encoder({}, _default, self.encode_str, None, ": ", ", ", False, False, True)(o, 0)
        return "".join(chunks)


def marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return ENCODER.encode(response).encode("utf-8"), "application/json"
    except Exception as e:
        raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)))


# --------------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------------


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms,
                 invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        # A str, as in awslambdaric (which reads it straight from the environment).
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id

        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)

        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")

        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},"
            f"identity={self.identity},"
            f"tenant_id={self.tenant_id}"
            "])"
        )


class _Record(object):
    __slots__ = ()

    def __repr__(self):
        fields = ",".join("%s=%s" % (f, getattr(self, f)) for f in self.__slots__)
        return "%s([%s])" % (self.__class__.__name__, fields)


class CognitoIdentity(_Record):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(_Record):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext(_Record):
    __slots__ = ["custom", "env", "client"]


def make_obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field, None))
    return obj


def parse_json_header(header, name):
    try:
        return json_loads(header)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e)))


# --------------------------------------------------------------------------------------------------
# Logging and output
# --------------------------------------------------------------------------------------------------


LOG_FORMAT_JSON = False
LOG_LEVEL = ""
ENCODER = to_json = None


def derive_from_environment():
    """What depends on the function's environment, computed when it is the process's."""
    global LOG_FORMAT_JSON, LOG_LEVEL, ENCODER, to_json
    LOG_FORMAT_JSON = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
    # As awslambdaric maps it: TRACE means DEBUG; an unknown level leaves the root logger at WARNING.
    LOG_LEVEL = {None: "", "TRACE": "DEBUG"}.get(os.environ.get("AWS_LAMBDA_LOG_LEVEL"),
                                                os.environ.get("AWS_LAMBDA_LOG_LEVEL")).upper()
    ENCODER = Encoder(_ensure_ascii())
    to_json = ENCODER.encode


class Unbuffered(object):
    """sys.stdout / sys.stderr: every write reaches the fd at once, so all the output of an invocation
    is written before its result is posted (Lamina attributes log lines to invocations by timing)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


def setup_logging(logging):
    """Give the root logger AWS's handler. Called as soon as `logging` is imported, by anyone."""

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            sys.stdout.write(self.format(record))

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _request_id or ""
            record.tenant_id = _tenant_id
            return True

    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    if LOG_FORMAT_JSON:
        handler.setFormatter(make_json_formatter(logging)())
    else:
        handler.setFormatter(logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
    root = logging.getLogger()
    if LOG_LEVEL in logging._nameToLevel:
        root.setLevel(LOG_LEVEL)
    handler.addFilter(LambdaLoggerFilter())
    root.addHandler(handler)


def make_json_formatter(logging):
    """awslambdaric's JsonFormatter (for AWS_LAMBDA_LOG_FORMAT=JSON)."""
    from datetime import datetime, timezone

    reserved = {
        "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info",
        "exc_text", "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread",
        "threadName", "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
    }
    import json  # logging has imported re already; the package's frames show in a formatting error's traceback

    encode = json.JSONEncoder(ensure_ascii=False).encode

    class JsonFormatter(logging.Formatter):
        def __init__(self):
            super().__init__(datefmt="%Y-%m-%dT%H:%M:%S")

        def formatTime(self, record, datefmt=None):
            dt = datetime.fromtimestamp(record.created, tz=timezone.utc)
            return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

        def format(self, record):
            import traceback

            record.levelno = min(50, max(0, record.levelno)) // 10 * 10
            record.levelname = logging.getLevelName(record.levelno)
            exc = record.exc_info
            result = {
                "timestamp": self.formatTime(record, self.datefmt),
                "level": record.levelname,
                "message": record.getMessage(),
                "logger": record.name,
                "stackTrace": traceback.format_tb(exc[2]) if exc else None,
                "errorType": exc[0].__name__ if exc else None,
                "errorMessage": str(exc[1]) if exc else None,
                "requestId": getattr(record, "aws_request_id", None),
                "location": "%s:%s:%s" % (record.pathname, record.funcName, record.lineno) if exc else None,
            }
            if getattr(record, "tenant_id", None) is not None:
                result["tenantId"] = record.tenant_id
            result.update((k, v) for k, v in record.__dict__.items() if k not in reserved and k not in result)
            return encode({k: v for k, v in result.items() if v is not None}) + "\n"

    return JsonFormatter


class SetupLoggingOnImport(object):
    """A sys.meta_path finder that lets the normal finder locate `logging` and configures the module
    right after it has run, before its importer gets it. AWS sets logging up eagerly; doing it on first
    import is indistinguishable for user code and spares ~8 ms of startup to functions that never log."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or not hasattr(spec.loader, "exec_module"):
            return None
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            if hasattr(module, "Handler") and hasattr(module, "getLogger"):  # not a function's own logging.py
                setup_logging(module)

        spec.loader.exec_module = exec_module
        return spec


# --------------------------------------------------------------------------------------------------
# Handler loading and invocations
# --------------------------------------------------------------------------------------------------


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname))
        import importlib  # import_module, not __import__: init error tracebacks show the same frames as AWS's

        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace)

    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname))


def handle_invocation(api, request_handler, headers, body):
    global _request_id, _tenant_id
    invoke_id = headers.get("lambda-runtime-aws-request-id", "")
    _request_id = invoke_id
    _tenant_id = headers.get("lambda-runtime-aws-tenant-id") or None
    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id:
        set_trace_id(trace_id)
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    error = None
    try:
        client_context = headers.get("lambda-runtime-client-context")
        cognito_identity = headers.get("lambda-runtime-cognito-identity")
        context = LambdaContext(
            invoke_id,
            parse_json_header(client_context, "Client Context") if client_context else None,
            parse_json_header(cognito_identity, "Cognito Identity") if cognito_identity else None,
            int(headers.get("lambda-runtime-deadline-ms") or 0),
            headers.get("lambda-runtime-invoked-function-arn"),
            _tenant_id,
        )
        try:
            event = json_loads(body) if body else {}
        except Exception as e:
            raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)))
        result, content_type = marshal_response(request_handler(event, context))
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        error = build_fault_result(sys.exc_info(), invoke_id)

    path = "/invocation/%s/" % invoke_id
    if error is None:
        api.post(path + "response", result, content_type)
    else:
        log_error(error)
        api.post(path + "error", to_json(error).encode("utf-8"), error_type=error["errorType"])


class TraceIdVariable(object):
    """_X_AMZN_TRACE_ID, set in the process environment on each invocation (as awslambdaric does with
    os.environ[...] = ...), without the memory that costs through the C library: glibc's setenv copies every
    NAME=VALUE it is given into a string of its own and a search-tree node, and never frees them (a pointer to an old
    value may still be held), so a value that differs on every invocation leaked ~160 bytes each time (1.8 MiB per
    12,000 invocations). Here the C-level entry is one of two buffers owned by this object, handed to putenv (which
    stores the pointer, copying nothing): each invocation writes its value into the buffer not in use and puts that
    one in, so a string read by anybody during the previous invocation is not rewritten under them. os.environ gets
    the same value as through os.environ[...] = ...; child processes and C code (getenv) see it as before."""

    NAME = "_X_AMZN_TRACE_ID"

    def __init__(self):
        import _ctypes

        class Int(_ctypes._SimpleCData):
            _type_ = "i"

        class Char(_ctypes._SimpleCData):
            _type_ = "c"

        class Function(_ctypes.CFuncPtr):
            _flags_ = _ctypes.FUNCFLAG_CDECL
            _restype_ = Int

        class Program(object):
            _handle = _ctypes.dlopen(None, _ctypes.RTLD_LOCAL)  # the process's global symbols (libc's putenv)

        self.putenv = Function(("putenv", Program))
        self.array = lambda size: type("Buffer", (_ctypes.Array,), {"_type_": Char, "_length_": size})()
        self.environ = os.environ
        self.key = os.environ.encodekey(self.NAME)
        self.buffers = [self.array(256), self.array(256)]
        self.kept = []  # buffers outgrown, which stay allocated: C code may hold a pointer into them
        self.current = 0

    def set(self, value):
        environ = os.environ
        encoded = environ.encodevalue(value) if environ is self.environ else None
        if encoded is None or b"\0" in encoded:
            environ[self.NAME] = value  # os.environ replaced by the function, or a value putenv cannot hold
            return
        entry = self.key + b"=" + encoded
        self.current ^= 1
        buffer = self.buffers[self.current]
        if len(entry) >= len(buffer):
            self.kept.append(buffer)
            buffer = self.buffers[self.current] = self.array(2 * len(entry))
        buffer.value = entry  # NUL-terminated
        if self.putenv(buffer) != 0:
            raise MemoryError("putenv failed")
        environ._data[self.key] = encoded


_trace_id_variable = None


def set_trace_id(value):
    global _trace_id_variable
    if _trace_id_variable is None:
        try:
            _trace_id_variable = TraceIdVariable()
        except Exception:  # no _ctypes (or no usable libc putenv): what awslambdaric does
            _trace_id_variable = False
    if _trace_id_variable:
        _trace_id_variable.set(value)
    else:
        os.environ[TraceIdVariable.NAME] = value


def set_sys_path(task_root):
    # `python3 .../bootstrap.py` put this folder first on sys.path: it holds nothing to import,
    # and must not shadow the function's modules. The task root goes first, then layers, as on AWS.
    here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
    if sys.path and os.path.realpath(sys.path[0] or ".") == here:
        del sys.path[0]
    layers = ["/opt/python/lib/python%d.%d/site-packages" % sys.version_info[:2], "/opt/python"]
    sys.path[0:0] = [task_root] + [p for p in layers if os.path.isdir(p)]


def main():
    derive_from_environment()
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    _signal.signal(_signal.SIGTERM, lambda signum, frame: sys.exit(0))
    set_sys_path(os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd())
    if "logging" in sys.modules:
        setup_logging(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, SetupLoggingOnImport())
    api = RuntimeAPI(os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))

    try:
        request_handler = get_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        if isinstance(e, FaultException):
            error = make_error(e.msg, e.exception_type, e.trace)
        else:
            error = build_fault_result(sys.exc_info())
        import logging

        logging.warning(
            "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
            "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. For "
            "functions using managed runtimes, runtime updates can be triggered by a function change, or can "
            "be applied automatically. To determine if the runtime has been updated, check the runtime version "
            "in the INIT_START log entry. If this error correlates with a change in the runtime version, you may "
            "be able to mitigate this error by temporarily rolling back to the previous runtime version. For "
            "more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html")
        log_error(error)
        api.request("POST", RUNTIME + "/init/error", to_json(error).encode("utf-8"),
                    [("Content-Type", "application/json"), (ERROR_TYPE_HEADER, error["errorType"])])
        sys.exit(1)

    while True:
        headers, body = api.next_invocation()
        handle_invocation(api, request_handler, headers, body)


# --------------------------------------------------------------------------------------------------
# Pre-start (LAMINA_PRESTART)
# --------------------------------------------------------------------------------------------------


# Variables read once at start, by the interpreter (sys.flags, sys.path, the locale and stdio encodings, the time
# zone, the user site directory) or by the dynamic loader and the C library. If the function's value of one of them
# differs from the one this process started with, only a new start makes what a normal start would have made.
STARTUP_PREFIXES = (b"PYTHON", b"LC_", b"LD_", b"MALLOC_")
STARTUP_NAMES = {b"LANG", b"LANGUAGE", b"LOCPATH", b"GCONV_PATH", b"TZ", b"TZDIR", b"HOME", b"GLIBC_TUNABLES"}


def _startup_variable(name):
    return name.startswith(STARTUP_PREFIXES) or name in STARTUP_NAMES


def receive_function():
    """Waits for the function's environment on stdin; then makes this process what a normal start with it would
    have made, or re-executes the interpreter with it. Exits 0 when stdin ends without data."""
    import importlib  # noqa: F401 (get_handler's import, done ahead)

    _signal.signal(_signal.SIGTERM, lambda signum, frame: sys.exit(0))
    chunks = []
    while True:
        chunk = os.read(0, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        sys.exit(0)  # the slot was discarded
    env = {}
    for entry in data.split(b"\0"):
        name, sep, value = entry.partition(b"=")
        if sep and name:
            env[name] = value
    try:
        with open("/proc/self/environ", "rb") as f:
            started = dict(entry.partition(b"=")[::2] for entry in f.read().split(b"\0") if entry)
    except OSError:
        started = None  # unknown: a new start is the safe way

    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    task_root = env.get(b"LAMBDA_TASK_ROOT")
    if task_root:
        try:
            os.chdir(task_root)  # a normal start's cwd
        except OSError:
            pass
    if started is None or any(
            started.get(name) != env.get(name) for name in set(started) | set(env) if _startup_variable(name)):
        argv = getattr(sys, "orig_argv", None)  # python3.10+
        if not argv:  # -u is the one option Lamina passes; it shows as unbuffered stdio
            argv = [sys.executable] + ["-u"] * bool(getattr(sys.stdout, "write_through", False)) + sys.argv
        os.execve(sys.executable, argv, env)

    # What the interpreter added to the environment it started with (LC_CTYPE, by PEP 538 locale coercion)
    # depends only on startup variables, which are the same: a normal start would have added it too.
    added = [(name, value) for name, value in os.environb.items() if name not in started]
    os.environ.clear()
    for name, value in env.items():
        os.environb[name] = value
    for name, value in added:
        os.environb[name] = value

    # sys.stdin as the interpreter makes it at start (pylifecycle.c create_stdio), now over /dev/null.
    old = sys.stdin
    if old is not None:
        import io

        buffered = io.open(0, "rb", -1, None, None, None, False)
        buffered.raw.name = "<stdin>"
        stdin = io.TextIOWrapper(buffered, old.encoding, old.errors, "\n", old.line_buffering, old.write_through)
        stdin.mode = "r"
        sys.stdin = sys.__stdin__ = stdin


if __name__ == "__main__":
    if os.environ.get("LAMINA_PRESTART"):
        receive_function()
    main()
