/**
 * Lamina Node.js runtime bootstrap.
 *
 * Launched as `node /var/runtime/index.mjs`, cwd = the function's task root. It
 * implements the Lambda Runtime API 2018-06-01 client loop and reproduces what
 * handlers and callers observe with AWS's Node.js runtime (nodejs18.x-22.x,
 * aws-lambda-nodejs-runtime-interface-client, "the RIC"): handler string
 * parsing, module loading, the context object, callback / async semantics
 * including callbackWaitsForEmptyEventLoop, console patching, and the exact
 * error type / message / body shapes. Where the RIC has a quirk that users can
 * observe, it is kept on purpose and commented.
 *
 * Environment read: AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT
 * (falls back to cwd), AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION,
 * AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME,
 * AWS_LAMBDA_LOG_STREAM_NAME, AWS_LAMBDA_LOG_LEVEL, AWS_LAMBDA_LOG_FORMAT,
 * LAMINA_PRESTART (see "Pre-start" below).
 * Environment written: _X_AMZN_TRACE_ID (per invocation).
 *
 * Exit codes (as the RIC): 129 after an uncaught exception (this includes
 * every init error, which the RIC surfaces as an uncaught exception), 128
 * after an unhandled promise rejection, 0 on SIGTERM.
 *
 * Not implemented (documented gaps): response streaming (the `awslambda`
 * global / streamifyResponse), the X-Ray error-cause header, the telemetry-fd
 * log framing (_LAMBDA_TELEMETRY_LOG_FD), and the Node 24 callback-handler
 * deprecation warning.
 *
 * No dependencies, Node built-ins only; kept to one file so that startup is a
 * single module load. The Runtime API client is a small HTTP/1.1 client on one
 * net.Socket: node:http (agent, parser, streams) cost about 100 µs of CPU per
 * invocation and several MiB of an idle instance.
 */

import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { setTimeout as startTimer } from 'node:timers';

const env = process.env;
const NOOP = () => {};

// ---------------------------------------------------------------------------
// Errors. Like the RIC, the classes get the prototype name `Runtime.<Class>`,
// which becomes errorType (err.name) and the first line of the stack.
// ---------------------------------------------------------------------------

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason); // message = String(reason), e.g. "Error: boom"
    this.reason = reason;
    this.promise = promise;
  }
}
for (const E of [ImportModuleError, HandlerNotFound, MalformedHandlerName,
  UserCodeSyntaxError, NodeJsExit, UnhandledPromiseRejection]) {
  E.prototype.name = `Runtime.${E.name}`;
}

function isErrorLike(o) {
  return o && o.name && o.message && o.stack && typeof o.name === 'string' &&
    typeof o.message === 'string' && typeof o.stack === 'string';
}

/** Body posted to /error and /init/error: {errorType, errorMessage, trace}. */
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    // Thrown non-Error values: errorType is the JS type ("string", "object", ...).
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

const intoError = (err) => (err instanceof Error ? err : new Error(err));

/** The "\t{json}" part of `Invoke Error \t{...}` log lines (RIC Errors.toFormatted). */
function toFormatted(error) {
  const withEnumerableProperties = (e) => {
    if (!(e instanceof Error)) return e;
    const ret = Object.assign({ errorType: e.name, errorMessage: e.message, code: e.code }, e);
    if (typeof e.stack === 'string') ret.stack = e.stack.split('\n');
    return ret;
  };
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// ---------------------------------------------------------------------------
// Console patching (RIC LogPatch, stdout variant).
// Text:  `<ISO time>\t<requestId>\t<LEVEL>\t<util.format(args)>`
// JSON (AWS_LAMBDA_LOG_FORMAT=JSON): {"timestamp","level","requestId","message"}
// Every console call is exactly one stdout line: like the RIC does when it logs
// to stdout, newlines inside the message are replaced by '\r' (on AWS the same
// record keeps its '\n's because it goes through the telemetry fd framing; a
// log collector may turn '\r' back into '\n' per line).
// Before the first invocation the request id prints as "undefined", as on AWS.
// ---------------------------------------------------------------------------

// Global symbols shared with other code in the process, same keys as the RIC.
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID = Symbol.for('aws.lambda.runtime.tenantId');

const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
};
let JSON_FORMAT = false; // set at init, from AWS_LAMBDA_LOG_FORMAT

function writeLine(line) {
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function logText(level, message, ...params) {
  writeLine(`${new Date().toISOString()}\t${globalThis[REQUEST_ID]}\t${level.name}\t${util.format(message, ...params)}`);
}

function jsonErrorReplacer(_k, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign({
    errorType: value?.constructor?.name ?? 'UnknownError',
    errorMessage: value.message,
    stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
  }, value);
}

function logJson(level, ...messageParams) {
  const result = { timestamp: new Date().toISOString(), level: level.name, requestId: globalThis[REQUEST_ID] };
  const tenantId = globalThis[TENANT_ID];
  if (tenantId != null) result.tenantId = tenantId;
  if (messageParams.length === 1) {
    result.message = messageParams[0];
    try {
      return writeLine(JSON.stringify(result, jsonErrorReplacer));
    } catch {
      result.message = util.format(result.message);
      return writeLine(JSON.stringify(result));
    }
  }
  result.message = util.format(...messageParams);
  const err = messageParams.find((p) => p instanceof Error);
  if (err) {
    result.errorType = err?.constructor?.name ?? 'UnknownError';
    result.errorMessage = err.message;
    result.stackTrace = typeof err.stack === 'string' ? err.stack.split('\n') : [];
  }
  writeLine(JSON.stringify(result));
}

function patchConsole() {
  const log = JSON_FORMAT ? logJson : logText;
  // AWS_LAMBDA_LOG_LEVEL filters the console methods below it (default: all on).
  const min = LEVELS[env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? LEVELS.TRACE;
  const at = (level) => (level.priority >= min.priority ? (msg, ...params) => log(level, msg, ...params) : NOOP);
  console.trace = at(LEVELS.TRACE); // no stack trace, as on AWS
  console.debug = at(LEVELS.DEBUG);
  console.info = at(LEVELS.INFO);
  console.log = console.info;
  console.warn = at(LEVELS.WARN);
  console.error = at(LEVELS.ERROR);
  console.fatal = (msg, ...params) => log(LEVELS.FATAL, msg, ...params);
}

/** RIC structuredConsole.logError: `<label> \t{json}` in text mode, the error itself in JSON mode. */
function logError(label, err) {
  if (JSON_FORMAT) console.error(intoError(err));
  else console.error(label, toFormatted(intoError(err)));
}

/**
 * Resolves once everything written to stdout/stderr so far has reached the OS.
 * process.stdout on a pipe is asynchronous in Node on Linux: when the reader is
 * slow, writes are queued in-process. The platform attributes log lines to an
 * invocation by timing, so every result/error POST waits for this first.
 */
async function flushStdio() {
  const pending = (s) => s.writableLength > 0 && !s.destroyed; // a closed pipe never drains
  while (pending(process.stdout) || pending(process.stderr)) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

// ---------------------------------------------------------------------------
// Runtime API client: one keep-alive socket, as the RIC's agent.
// ---------------------------------------------------------------------------

const API = '/2018-06-01/runtime';

function serializeResponse(body) {
  let json;
  try {
    json = JSON.stringify(body === undefined ? null : body);
  } catch {
    throw new Error('Unable to stringify response body');
  }
  // A function/symbol result stringifies to undefined; the RIC's native client
  // then rejects the non-string body with exactly this error.
  if (json === undefined) throw new TypeError('Wrong arguments');
  return json;
}

class RuntimeClient {
  constructor(hostPort) {
    if (!hostPort) throw new Error('AWS_LAMBDA_RUNTIME_API is not set');
    const colon = hostPort.lastIndexOf(':');
    this.hostname = hostPort.slice(0, colon);
    this.port = parseInt(hostPort.slice(colon + 1), 10);
    // What follows the request line of every request (Host as node:http sends it).
    this.headTail = ` HTTP/1.1\r\nHost: ${this.hostname}:${this.port}\r\nConnection: keep-alive\r\n`;
    this.connection = null;
    this.queue = Promise.resolve(); // requests go one at a time, as through an agent with maxSockets: 1
    this.closed = false; // set once a fatal error is being reported: nothing more is sent
  }

  /** @returns {Promise<{bodyJson: string, headers: object}>} headers are lower-case */
  async nextInvocation() {
    if (this.closed) return new Promise(NOOP);
    const { status, headers, body } = await this.request('GET', `${API}/invocation/next`);
    if (status !== 200) throw new Error(`Failed to get next invocation, HTTP status ${status}`);
    return { bodyJson: body, headers };
  }

  // The post* methods serialize synchronously (so serialization errors are
  // thrown to the caller, as in the RIC) and return a promise that always
  // resolves: like the RIC's native client, a failed post is not retried; a
  // dead Runtime API surfaces on the next GET.
  postInvocationResponse(response, id) {
    const body = serializeResponse(response);
    return this.post(`${API}/invocation/${encodeURIComponent(id)}/response`, body, '');
  }

  postInvocationError(error, id) {
    return this.postError(`${API}/invocation/${encodeURIComponent(id)}/error`, error);
  }

  postInitError(error) {
    return this.postError(`${API}/init/error`, error);
  }

  postError(urlPath, error) {
    const response = toRapidResponse(error);
    // Header values must be printable ASCII.
    const type = String(response.errorType).replace(/[^\t\x20-\x7e]/g, '');
    return this.post(urlPath, JSON.stringify(response), `Lambda-Runtime-Function-Error-Type: ${type}\r\n`);
  }

  async post(urlPath, body, extraHeaders) {
    if (this.closed) return new Promise(NOOP);
    await flushStdio();
    try {
      await this.request('POST', urlPath, body, extraHeaders);
    } catch (err) {
      process.stderr.write(`lamina: POST ${urlPath} failed: ${err}\n`);
    }
  }

  /**
   * One request on the keep-alive connection, after the ones before it.
   * @returns {Promise<{status: number, headers: object, body: string}>}
   */
  request(method, urlPath, body, extraHeaders = '') {
    let head = method + ' ' + urlPath + this.headTail;
    if (body !== undefined) {
      head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}`;
    }
    const data = head + '\r\n' + (body ?? '');
    const result = this.queue.then(() => this.exchange(data, false));
    this.queue = result.then(NOOP, NOOP);
    return result;
  }

  exchange(data, retried) {
    let connection = this.connection;
    const reused = connection !== null;
    if (!reused) connection = this.connection = new Connection(this.hostname, this.port, () => {
      if (this.connection === connection) this.connection = null;
    });
    return connection.exchange(data).catch((err) => {
      // The server may close an idle keep-alive connection just as it is
      // reused: the request never reached it, so one retry on a fresh one is safe.
      if (!retried && reused && err.code === 'ECONNRESET') return this.exchange(data, true);
      throw err;
    });
  }
}

function hangUp() {
  const err = new Error('socket hang up');
  err.code = 'ECONNRESET';
  return err;
}

/**
 * One HTTP/1.1 connection to the Runtime API: a request is written in one
 * write, its response parsed from the socket's data. The socket holds the
 * process open only while a request is in flight (like an agent's free
 * socket, it is unref'd in between), so 'beforeExit' still means that the
 * function's own work is done.
 */
class Connection {
  constructor(host, port, onClose) {
    this.socket = net.connect({ host: host.replace(/^\[(.*)\]$/, '$1'), port, noDelay: true });
    this.socket.unref();
    this.onClose = onClose;
    this.pending = null; // {resolve, reject} of the request in flight
    this.buffer = null; // data received and not yet used
    this.response = null; // the response being read: {status, headers, length, chunked, ...}
    this.done = false;
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => {
      if (this.response?.untilClose) {
        const body = this.buffer ?? Buffer.alloc(0);
        this.buffer = null;
        this.response.close = true;
        this.finish(body);
      } else {
        this.fail(hangUp());
      }
    });
  }

  /** Writes a request; resolves with its response. */
  exchange(data) {
    return new Promise((resolve, reject) => {
      if (this.done) {
        reject(hangUp());
        return;
      }
      this.pending = { resolve, reject };
      this.response = null;
      this.buffer = null;
      this.socket.ref();
      this.socket.write(data);
    });
  }

  end() {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
    this.onClose();
  }

  fail(err) {
    const pending = this.pending;
    this.pending = null;
    this.response = null;
    this.end();
    if (pending) pending.reject(err);
  }

  finish(body) {
    const pending = this.pending;
    const { status, headers, close } = this.response;
    this.pending = null;
    this.response = null;
    if (close) this.end();
    else this.socket.unref();
    pending.resolve({ status, headers, body: body.toString('utf8') });
  }

  onData(chunk) {
    if (this.pending === null) return; // nothing was asked: not an answer
    this.buffer = this.buffer === null ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      while (this.pending !== null && this.buffer !== null && this.parse());
    } catch (err) {
      this.fail(err);
    }
  }

  /** Parses what it can; true if a response was completed and more data may follow. */
  parse() {
    const buf = this.buffer;
    let r = this.response;
    if (r === null) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const lines = buf.toString('latin1', 0, end).split('\r\n');
      const status = parseInt(lines[0].split(' ', 3)[1], 10);
      if (!(status >= 100 && status <= 999)) throw new Error('Parse Error: Invalid response status');
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i];
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error('Parse Error: Invalid header');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      this.buffer = end + 4 < buf.length ? buf.subarray(end + 4) : null;
      if (status < 200) return true; // an interim response: the real one follows
      const close = (headers.connection ?? '').toLowerCase() === 'close';
      r = this.response = { status, headers, close, length: -1, chunked: false, untilClose: false, parts: [] };
      if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) r.chunked = true;
      else if (headers['content-length'] !== undefined) r.length = parseInt(headers['content-length'], 10);
      else if (status === 204 || status === 304) r.length = 0;
      else r.untilClose = true;
    }
    if (r.untilClose) return false;
    if (!r.chunked) {
      const have = this.buffer === null ? 0 : this.buffer.length;
      if (have < r.length) return false;
      const body = r.length === 0 ? Buffer.alloc(0) : this.buffer.subarray(0, r.length);
      this.buffer = have > r.length ? this.buffer.subarray(r.length) : null;
      this.finish(body);
      return true;
    }
    // chunked: <size>[;ext]\r\n<data>\r\n ... 0\r\n[trailers]\r\n
    for (;;) {
      const b = this.buffer;
      if (b === null) return false;
      if (r.trailers) {
        const eol = b.indexOf('\r\n');
        if (eol < 0) return false;
        this.buffer = eol + 2 < b.length ? b.subarray(eol + 2) : null;
        if (eol === 0) {
          this.finish(Buffer.concat(r.parts));
          return true;
        }
        continue;
      }
      const eol = b.indexOf('\r\n');
      if (eol < 0) return false;
      const size = parseInt(b.toString('latin1', 0, eol).split(';')[0], 16);
      if (Number.isNaN(size)) throw new Error('Parse Error: Invalid character in chunk size');
      if (size === 0) {
        r.trailers = true;
        this.buffer = eol + 2 < b.length ? b.subarray(eol + 2) : null;
        continue;
      }
      if (b.length < eol + 2 + size + 2) return false;
      r.parts.push(b.subarray(eol + 2, eol + 2 + size));
      this.buffer = eol + 4 + size < b.length ? b.subarray(eol + 4 + size) : null;
    }
  }
}

// ---------------------------------------------------------------------------
// Loading the handler (RIC UserFunction.js, the nodejs18.x-22.x algorithm).
// ---------------------------------------------------------------------------

// CommonJS loader. Its parent is labelled "<this dir>/index.mjs" so that
// "Require stack" in Cannot-find-module messages reads "- /var/runtime/index.mjs"
// exactly as on AWS when installed in /var/runtime. The file need not exist.
const runtimeRequire = createRequire(new URL('index.mjs', import.meta.url));

function tryRequireFile(file) {
  return fs.existsSync(file) ? runtimeRequire(file) : undefined;
}

async function tryImportFile(file) {
  return fs.existsSync(file) ? await import(pathToFileURL(file).href) : undefined;
}

/** Nearest package.json decides whether .js is ESM; node_modules or / stop the walk. */
function hasPackageJsonTypeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (fs.existsSync(pj)) {
    try {
      return JSON.parse(fs.readFileSync(pj, 'utf8'))?.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return hasPackageJsonTypeModule(path.resolve(folder, '..'));
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  // Order as the RIC: extensionless (require), .js (require unless
  // "type": "module"), .js (import if "type": "module"), .mjs (import),
  // .cjs (require), then Node resolution (node_modules, directories...).
  const extensionless = tryRequireFile(base);
  if (extensionless) return extensionless;
  const isModule = hasPackageJsonTypeModule(path.dirname(base));
  if (!isModule) {
    const cjs = tryRequireFile(base + '.js');
    if (cjs) return cjs;
  }
  const loaded =
    (isModule && (await tryImportFile(base + '.js'))) ||
    (await tryImportFile(base + '.mjs')) ||
    tryRequireFile(base + '.cjs');
  if (loaded) return loaded;
  // Throws MODULE_NOT_FOUND: "Cannot find module 'missing'\nRequire stack:\n- .../index.mjs"
  return runtimeRequire(runtimeRequire.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

async function loadUserApp(appRoot, moduleRoot, moduleName) {
  try {
    return await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    // Messages become "SyntaxError: ..." / "Error: Cannot find module ..."
    // because the wrappers are built from String(e). Anything else (including
    // ESM's ERR_MODULE_NOT_FOUND) is reported as the error itself.
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(e);
    throw e;
  }
}

/**
 * "dir/sub/file.export.path": the file part is the basename up to its first
 * '.', the rest is a '.'-separated property path into the module.
 */
async function loadHandler(appRoot, fullHandlerString) {
  if (fullHandlerString.includes('..')) {
    throw new MalformedHandlerName(`'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = match;

  const userApp = await loadUserApp(appRoot, moduleRoot, moduleName);
  const handler = handlerPath.split('.').reduce((obj, key) => obj && obj[key], userApp);
  if (!handler) throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  return handler;
}

// ---------------------------------------------------------------------------
// Callback / context plumbing (RIC CallbackContext.js).
// ---------------------------------------------------------------------------

// The single 'beforeExit' action. Node emits 'beforeExit' when the event loop
// has nothing left to do; that is how "wait for an empty event loop" and
// "handler never finished" are detected, exactly as in the RIC.
let beforeExitListener = NOOP;

/**
 * @returns [callback, callbackContext, markCompleted]; only the first call to
 * any of callback/succeed/fail/done has an effect.
 */
function buildCallbackContext(client, id, scheduleNext) {
  const postError = (err, next) => {
    logError('Invoke Error', err);
    client.postInvocationError(err, id).then(next);
  };

  let isCompleteInvoked = false;
  const complete = (result, next) => {
    if (isCompleteInvoked) {
      console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
      return;
    }
    isCompleteInvoked = true;
    client.postInvocationResponse(result, id).then(next);
  };

  let waitForEmptyEventLoop = true;

  // callback(null, result) with callbackWaitsForEmptyEventLoop (default) only
  // sends the result once the event loop is empty; errors are sent at once.
  const callback = (err, result) => {
    beforeExitListener = NOOP;
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else if (!waitForEmptyEventLoop) {
      complete(result, scheduleNext);
    } else {
      beforeExitListener = () => setImmediate(() => complete(result, scheduleNext));
    }
  };

  // context.done/succeed/fail never wait for the event loop.
  const done = (err, result) => {
    beforeExitListener = NOOP;
    if (err !== undefined && err !== null) postError(err, scheduleNext);
    else complete(result, scheduleNext);
  };
  const succeed = (result) => done(null, result);
  const fail = (err) => (err === undefined || err === null ? done('handled') : done(err, null));

  // As in the RIC a call that throws (e.g. unserializable result) does not
  // count, so the .catch(fail) in the invoke loop can still report it.
  let finished = false;
  const once = (fn) => (...args) => {
    if (!finished) {
      fn(...args);
      finished = true;
    }
  };

  const callbackContext = {
    get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
    set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
    succeed: once(succeed),
    fail: once(fail),
    done: once(done),
  };
  return [once(callback), callbackContext, () => { isCompleteInvoked = true; }];
}

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

/** Adds AWS's context members, in AWS's key order (visible via JSON.stringify). */
function attachEnvironmentData(callbackContext, headers) {
  const traceId = headers['lambda-runtime-trace-id'];
  if (traceId) env._X_AMZN_TRACE_ID = traceId;
  else delete env._X_AMZN_TRACE_ID;

  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return Object.assign(callbackContext, {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, // a string, as on AWS
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  }, {
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  });
}

// ---------------------------------------------------------------------------
// The invoke loop (RIC Runtime.js). Named Runtime/handleOnceNonStreaming and
// calling `this.handler(...)` so user stack traces read
// "at Runtime.handler (file:///var/task/index.mjs:2:9)" as on AWS.
// ---------------------------------------------------------------------------

/**
 * Two full garbage collections once the instance has waited in GET /next for a
 * second: V8's old generation holds the garbage of thousands of invocations
 * until its next mark-compact (outside Lamina: 7.5 MiB committed after 12,000
 * invocations, 3.4 MiB of it live), and its memory reducer would only start 8 s
 * after the allocations stop; the first collection frees the objects, the
 * second releases the pages that the first one's sweeping emptied (-3.2 MiB of
 * an idle instance). `gc` is there because the runtime starts Node with
 * --expose-gc, as AWS's does; taken before any user code runs. The timer is
 * unref'd (it neither keeps the process alive nor shows in
 * process.getActiveResourcesInfo()) and armed only while waiting for an
 * invocation, at most once per second of invocations.
 */
const IDLE_COLLECTION_MS = 1000;
const idleCollector = {
  collect: typeof globalThis.gc === 'function' ? globalThis.gc : null,
  waits: 0, // GET /next requests so far
  waiting: false,
  timer: null,
  armedAt: 0, // waits when the timer was armed

  /** A GET /next starts. */
  enter() {
    this.waiting = true;
    this.waits++;
    if (this.timer === null && this.collect !== null) this.arm();
  },

  /** It answered: an invocation runs. */
  leave() {
    this.waiting = false;
  },

  arm() {
    this.armedAt = this.waits;
    this.timer = startTimer(() => this.fire(), IDLE_COLLECTION_MS);
    this.timer.unref();
  },

  fire() {
    this.timer = null;
    if (!this.waiting) return; // an invocation runs: the next GET /next arms it again
    if (this.waits !== this.armedAt) {
      this.arm(); // invocations came and went within the second: wait for a quiet one
      return;
    }
    this.collect();
    this.collect();
  },
};

class Runtime {
  constructor(client, handler, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.isAsync = handler.constructor?.name === 'AsyncFunction';
    this.errorCallbacks = errorCallbacks;
  }

  scheduleIteration() {
    setImmediate(() => {
      this.handleOnceNonStreaming().then(NOOP, (err) => {
        // Only runtime/transport failures get here (e.g. the Runtime API is gone).
        console.log(`Unexpected Top Level Error: ${err.toString()}`);
        fatal('uncaughtException', err);
      });
    });
  }

  async handleOnceNonStreaming() {
    idleCollector.enter();
    const { bodyJson, headers } = await this.client.nextInvocation();
    idleCollector.leave();
    const id = headers['lambda-runtime-aws-request-id'];
    if (!id) throw new Error('invocation id is missing or invalid');
    globalThis[REQUEST_ID] = id;
    globalThis[TENANT_ID] = headers['lambda-runtime-aws-tenant-id'];

    const [callback, callbackContext, markCompleted] =
      buildCallbackContext(this.client, id, () => this.scheduleIteration());
    try {
      this.setErrorCallbacks(id);
      this.setDefaultExitListener(id, markCompleted);
      // Errors here (bad event JSON, bad context headers, synchronous throw)
      // are reported as the invocation's error.
      const event = JSON.parse(bodyJson === '' ? '{}' : bodyJson);
      const result = this.handler(event, attachEnvironmentData(callbackContext, headers), callback);
      if (result && typeof result.then === 'function') {
        // Async handler: respond as soon as the promise settles.
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  /** Uncaught exceptions / unhandled rejections fail the current invocation, then exit. */
  setErrorCallbacks(id) {
    this.errorCallbacks.uncaughtException = (error) =>
      this.client.postInvocationError(error, id).then(() => process.exit(129));
    this.errorCallbacks.unhandledRejection = (error) =>
      this.client.postInvocationError(error, id).then(() => process.exit(128));
  }

  /**
   * The event loop emptied without any callback/succeed/fail/done call and
   * without the returned promise settling: an async handler fails with
   * Runtime.NodeJsExit, any other handler succeeds with null (RIC behaviour).
   */
  setDefaultExitListener(id, markCompleted) {
    beforeExitListener = () => {
      markCompleted();
      const next = () => this.scheduleIteration();
      if (this.isAsync) {
        const error = new NodeJsExit();
        logError('Invoke Error', error);
        this.client.postInvocationError(error, id).then(next);
      } else {
        this.client.postInvocationResponse(null, id).then(next);
      }
    };
  }
}

// ---------------------------------------------------------------------------
// Pre-start (LAMINA_PRESTART): started ahead with a generic environment, the
// process waits for its function's environment on stdin (NAME=VALUE entries,
// each ended by a NUL byte, UTF-8, until EOF; no data: exit 0), makes it the
// process's own (cwd = LAMBDA_TASK_ROOT, as a normal start's; stdin stays at
// EOF) and goes on as a normal start. Variables that Node, V8/ICU, OpenSSL,
// libuv or the C library read only at start (STARTUP_VARIABLE) must be the
// same in both environments; if one differs, the function runs in a new
// process started with its environment: process.execve where Node has it,
// else a child that this process relays signals and the exit status for.
// ---------------------------------------------------------------------------

const STARTUP_VARIABLE = /^(NODE_|UV_|OPENSSL_|SSL_CERT_|LC_|LD_|MALLOC_)|^(LANG|LANGUAGE|LOCPATH|TZ|TZDIR|HOME|ICU_DATA|GLIBC_TUNABLES|FORCE_COLOR|NO_COLOR)$/;

/** @returns {boolean} whether this process goes on to run the function */
function receiveFunction() {
  const chunks = [];
  const chunk = Buffer.allocUnsafe(65536);
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a non-blocking stdin: wait, retry
      continue;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  if (chunks.length === 0) process.exit(0); // the slot was discarded
  const next = {};
  for (const entry of Buffer.concat(chunks).toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) next[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  if (next.LAMBDA_TASK_ROOT) {
    try {
      process.chdir(next.LAMBDA_TASK_ROOT);
    } catch {
      // a normal start would not have started at all; the handler's load will say why
    }
  }
  const names = new Set([...Object.keys(env), ...Object.keys(next)]);
  if (![...names].some((name) => STARTUP_VARIABLE.test(name) && env[name] !== next[name])) {
    for (const name of Object.keys(env)) delete env[name];
    Object.assign(env, next);
    return true;
  }
  const args = [...process.execArgv, ...process.argv.slice(1)];
  if (typeof process.execve === 'function') process.execve(process.execPath, [process.execPath, ...args], next);
  const child = runtimeRequire('node:child_process').spawn(process.execPath, args, {
    env: next,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
  return false;
}

// ---------------------------------------------------------------------------
// Main: init, then the loop.
// ---------------------------------------------------------------------------

if (env.LAMINA_PRESTART && !receiveFunction()) await new Promise(NOOP); // relaying a child until it exits
JSON_FORMAT = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
patchConsole();
const client = new RuntimeClient(env.AWS_LAMBDA_RUNTIME_API);

// Until the first invocation, fatal errors are init errors.
const errorCallbacks = {
  uncaughtException: (error) => client.postInitError(error).then(() => process.exit(129)),
  unhandledRejection: (error) => client.postInitError(error).then(() => process.exit(128)),
};

// Report only the first fatal error; from then on nothing else is posted.
function fatal(kind, error) {
  if (client.closed) return;
  errorCallbacks[kind](error); // its post() passes the `closed` check synchronously
  client.closed = true;
}

process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  fatal('uncaughtException', error);
});
process.on('unhandledRejection', (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason, promise);
  logError('Unhandled Promise Rejection', error);
  fatal('unhandledRejection', error);
});
process.on('beforeExit', () => beforeExitListener());
// SIGTERM (shutdown) exits 0, unless user code installed its own listener,
// in which case that listener owns the shutdown.
process.on('SIGTERM', () => {
  if (process.listenerCount('SIGTERM') === 1) process.exit(0);
});

let handler;
try {
  handler = await loadHandler(env.LAMBDA_TASK_ROOT || process.cwd(), env._HANDLER ?? '');
} catch (err) {
  // The RIC lets this escape its top-level await, where Node turns it into an
  // uncaught exception: logged as "Uncaught Exception", posted to
  // /init/error, exit 129.
  logError('Uncaught Exception', err);
  fatal('uncaughtException', err);
}
if (handler) new Runtime(client, handler, errorCallbacks).scheduleIteration();
