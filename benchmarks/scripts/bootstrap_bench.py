#!/usr/bin/env python3
"""Measures Lamina's Python and Node.js bootstraps on their own, against a C Runtime API stub (runtime_api_stub.c).

    python3 benchmarks/scripts/bootstrap_bench.py [latency|memory|start|all] [options]

  latency  per invoke of a no-op handler, the stub serving events as fast as it can, after <warmup> invokes:
             cycle            wall time per invoke (the bootstrap's work and two loopback exchanges with the stub,
                              whose own share is a few µs);
             event->response  median time from the stub writing an event to reading its response: what Lamina's
                              REPORT Duration measures;
             CPU              user and system CPU of the bootstrap process per invoke (/proc/PID/stat).
  memory   USS (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup) of a warm instance idle in GET /next for
           --idle seconds after <invokes> invokes, beside a bare interpreter started at the same moment (`python3 -c
           'import sys; sys.stdin.read()'`, `node -e 'setInterval(() => {}, 1 << 30)'`), all read at the same
           moment since USS counts only the pages no other process maps. A second instance runs alongside; its USS
           is what one more instance costs once the interpreter's pages that only instances touch are shared.
  start    ms from spawn to the first GET /next (a normal start), and, with LAMINA_PRESTART=1, from writing the
           function's environment on stdin (after the pre-started process has waited --wait seconds) to the first
           GET /next. Bootstraps without pre-start support show nan.

Each figure is measured --runs times, runs alternating between runtimes and bootstrap folders; the median is printed
with all samples. --runtime-dir (repeatable; default: this work tree's engine/src/main/resources/lamina/runtimes)
names folders holding python/bootstrap.py and nodejs/index.mjs, so that older bootstraps (e.g. `git show
HEAD:engine/src/main/resources/lamina/runtimes/python/bootstrap.py`, copied into a folder) are measured in the same
runs; each folder is copied and laid out as Lamina lays out its runtime folder (the Python runtime's bytecode
compiled, see engine/.../runtime/PythonBytecode.java). Interpreters: /usr/bin/python3 and /usr/bin/node (as Lamina
finds them), with Lamina's command lines (LaunchPlans). Needs gcc, to build the stub into a temporary folder. The machine's load shows in every figure:
compare folders measured in the same run.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

HANDLERS = {
    "python": ("lambda_function.handler", "lambda_function.py", "def handler(event, context):\n    return {}\n"),
    "node": ("index.handler", "index.mjs", "export const handler = async () => ({});\n"),
}
BARE = {
    "python": ["/usr/bin/python3", "-c", "import sys; sys.stdin.read()"],
    "node": ["/usr/bin/node", "-e", "setInterval(() => {}, 1 << 30)"],
}


def command(runtime, runtime_dir):
    if runtime == "python":
        return ["/usr/bin/python3", "-u", os.path.join(runtime_dir, "python", "bootstrap.py")]
    return ["/usr/bin/node", "--expose-gc", "--max-old-space-size=108", "--max-semi-space-size=1",
            os.path.join(runtime_dir, "nodejs", "index.mjs")]


def generic_env(runtime, runtime_dir, task_root, api):
    env = {
        "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LANG": "en_US.UTF-8",
        "LD_LIBRARY_PATH": "/lib64:/usr/lib64:%s:%s/lib:%s:%s/lib:/opt/lib" % (runtime_dir, runtime_dir, task_root,
                                                                             task_root),
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": runtime_dir,
        "AWS_LAMBDA_RUNTIME_API": api,
    }
    if runtime == "node":
        env["NODE_PATH"] = "/opt/nodejs/node_modules:%s/node_modules:%s:%s" % (runtime_dir, runtime_dir, task_root)
    return env


def function_env(runtime, runtime_dir, task_root, api):
    env = generic_env(runtime, runtime_dir, task_root, api)
    env.update({
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_HANDLER": HANDLERS[runtime][0],
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12" if runtime == "python" else "AWS_Lambda_nodejs20.x",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/bench",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2025/01/01/[$LATEST]0123456789abcdef",
        "AWS_ACCESS_KEY_ID": "LAMINAACCESSKEYID",
        "AWS_SECRET_ACCESS_KEY": "lamina-secret-access-key",
        "AWS_SESSION_TOKEN": "lamina-session-token",
    })
    return env


class Stub:
    def __init__(self, binary, invokes, warmup):
        self.proc = subprocess.Popen([binary, str(invokes), str(warmup)], stdout=subprocess.PIPE, text=True)
        self.port = int(self.expect("port")[0])

    def expect(self, word):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the stub ended before '%s'" % word)
            parts = line.split()
            if parts[0] == word:
                return parts[1:]

    def close(self):
        self.proc.kill()
        self.proc.wait()


def start_function(runtime, runtime_dir, task_root, api, log):
    return subprocess.Popen(command(runtime, runtime_dir), cwd=task_root, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, env=function_env(runtime, runtime_dir, task_root, api))


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()


def uss_kib(pid):
    total = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    return total


def cpu_seconds(pid):
    """(user, system) CPU seconds of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def latency(ctx, runtime, rdir):
    stub = Stub(ctx.stub, ctx.invokes, ctx.warmup)
    proc = start_function(runtime, rdir, ctx.task_roots[runtime], "127.0.0.1:%d" % stub.port, ctx.log)
    try:
        warm = int(stub.expect("warm")[0])
        cpu0 = cpu_seconds(proc.pid)
        window = int(stub.expect("window")[0])
        done = int(stub.expect("done")[0])
        cpu1 = cpu_seconds(proc.pid)
        n = ctx.invokes - ctx.warmup
        return ((done - warm) / 1000 / n, window / 1000, (cpu1[0] - cpu0[0]) * 1e6 / n, (cpu1[1] - cpu0[1]) * 1e6 / n)
    finally:
        stop(proc)
        stub.close()


def memory(ctx, runtime, rdir):
    """(instance USS, bare USS, instance USS beside a twin instance) MiB: read at the same moment."""
    stubs = [Stub(ctx.stub, ctx.invokes, 1) for _ in range(2)]
    bare = subprocess.Popen(BARE[runtime], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    procs = [start_function(runtime, rdir, ctx.task_roots[runtime], "127.0.0.1:%d" % s.port, ctx.log) for s in stubs]
    try:
        for s in stubs:
            s.expect("done")
        time.sleep(ctx.idle)
        return uss_kib(procs[0].pid) / 1024, uss_kib(bare.pid) / 1024, uss_kib(procs[1].pid) / 1024
    finally:
        for p in procs + [bare]:
            stop(p)
        for s in stubs:
            s.close()


def supports_prestart(runtime, rdir):
    main = command(runtime, rdir)[-1]
    code = os.path.join(os.path.dirname(main), "runtime.py")  # the Python runtime's code, beside its launcher
    with open(code if os.path.exists(code) else main) as f:
        return "LAMINA_PRESTART" in f.read()


def start(ctx, runtime, rdir):
    """(normal spawn → first /next ms, pre-started: assignment → first /next ms)."""
    root = ctx.task_roots[runtime]
    stub = Stub(ctx.stub, 1, 1)
    api = "127.0.0.1:%d" % stub.port
    t0 = time.monotonic_ns()
    proc = start_function(runtime, rdir, root, api, ctx.log)
    try:
        normal = (int(stub.expect("first-next")[0]) - t0) / 1e6
    finally:
        stop(proc)
        stub.close()
    if not supports_prestart(runtime, rdir):
        return normal, float("nan")
    stub = Stub(ctx.stub, 1, 1)
    api = "127.0.0.1:%d" % stub.port
    env = generic_env(runtime, rdir, root, api)
    env["LAMINA_PRESTART"] = "1"
    proc = subprocess.Popen(command(runtime, rdir), cwd=root, stdin=subprocess.PIPE, stdout=ctx.log,
                            stderr=subprocess.STDOUT, env=env)
    try:
        time.sleep(ctx.wait)
        data = b"".join(("%s=%s\0" % kv).encode() for kv in function_env(runtime, rdir, root, api).items())
        t0 = time.monotonic_ns()
        proc.stdin.write(data)
        proc.stdin.close()
        pre = (int(stub.expect("first-next")[0]) - t0) / 1e6
    finally:
        stop(proc)
        stub.close()
    return normal, pre


LABELS = {}  # laid-out copy -> the folder it was copied from, for the output


def lay_out(source, target):
    """A copy of a runtime folder, laid out as Lamina does: the Python runtime's code compiled into __pycache__ (a
    folder without python/runtime.py, an older single-file bootstrap, is copied as it is)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    code = os.path.join(target, "python", "runtime.py")
    if os.path.exists(code):
        subprocess.run(["/usr/bin/python3", "-I", "-c", "import py_compile, sys; py_compile.compile(sys.argv[1], "
                        "doraise=True)", code], check=True)
    return target


def fmt(samples, unit):
    return "median %.1f %s  (%s)" % (statistics.median(samples), unit, ", ".join("%.1f" % s for s in samples))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", nargs="?", default="all", choices=["latency", "memory", "start", "all"])
    p.add_argument("--runtime-dir", action="append", help="bootstraps to measure (repeat to compare; runs alternate);"
                   " default: this work tree's")
    p.add_argument("--runtimes", default="python,node")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--invokes", type=int, default=20000)
    p.add_argument("--warmup", type=int, default=2000)
    p.add_argument("--idle", type=float, default=2.0, help="seconds idle before memory is read")
    p.add_argument("--wait", type=float, default=1.0, help="seconds a pre-started process waits for its function")
    p.add_argument("--log", default=os.devnull, help="where the bootstraps' output goes")
    ctx = p.parse_args()
    dirs = [os.path.abspath(d) for d in ctx.runtime_dir or [os.path.join(REPO, "engine/src/main/resources/lamina/runtimes")]]
    runtimes = ctx.runtimes.split(",")
    with tempfile.TemporaryDirectory(prefix="bootstrap-bench-") as tmp:
        laid_out = [lay_out(d, os.path.join(tmp, "runtimes-%d" % i)) for i, d in enumerate(dirs)]
        LABELS.update(zip(laid_out, dirs))
        dirs = laid_out
        ctx.stub = os.path.join(tmp, "runtime_api_stub")
        subprocess.run(["gcc", "-O2", "-o", ctx.stub, os.path.join(HERE, "runtime_api_stub.c")], check=True)
        ctx.task_roots = {}
        for runtime in runtimes:
            root = os.path.join(tmp, runtime)
            os.mkdir(root)
            _, name, code = HANDLERS[runtime]
            with open(os.path.join(root, name), "w") as f:
                f.write(code)
            ctx.task_roots[runtime] = root
        ctx.log = open(ctx.log, "ab")
        cases = [(r, d) for r in runtimes for d in dirs]

        def measure(fn):
            results = {c: [] for c in cases}
            for _ in range(ctx.runs):
                for r, d in cases:
                    results[(r, d)].append(fn(ctx, r, d))
            return results

        if ctx.what in ("latency", "all"):
            for (r, d), res in measure(latency).items():
                print("latency %s, %s (%d invokes after %d)\n  cycle per invoke      %s\n"
                      "  event->response       %s\n  bootstrap CPU, user   %s\n  bootstrap CPU, system %s" % (
                          r, LABELS[d], ctx.invokes - ctx.warmup, ctx.warmup,
                          *(fmt([x[i] for x in res], "µs") for i in range(4))))
        if ctx.what in ("memory", "all"):
            for (r, d), res in measure(memory).items():
                print("memory %s, %s (idle %.1f s after %d invokes)\n  instance %s\n  bare     %s\n  ratio    %s\n"
                      "  (the other of two instances started together: %s)" % (
                          r, LABELS[d], ctx.idle, ctx.invokes, fmt([m[0] for m in res], "MiB"), fmt([m[1] for m in res], "MiB"),
                          fmt([m[0] / m[1] for m in res], "x"), fmt([m[2] for m in res], "MiB")))
        if ctx.what in ("start", "all"):
            for (r, d), res in measure(start).items():
                print("start %s, %s\n  normal: spawn -> first /next              %s\n"
                      "  pre-started: assignment -> first /next   %s" % (
                          r, LABELS[d], fmt([x[0] for x in res], "ms"), fmt([x[1] for x in res], "ms")))


if __name__ == "__main__":
    sys.exit(main())
