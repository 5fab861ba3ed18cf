"""Lamina's Python runtime: runs runtime.py, beside this file, as the __main__ module (see its docstring).

Launched as `python3 -u <runtime dir>/python/bootstrap.py`. The code is loaded from the bytecode that Lamina
compiles when it lays out the runtime folder (__pycache__/runtime.<interpreter tag>.pyc, checked against the source
as an import would), and compiled here only when that is missing or stale, without writing it. Compiling the runtime
in every instance cost ~9 ms of its start and ~2.4 MiB of memory that stayed with it (the compiler's garbage in the
allocator's heap and arenas; the code objects themselves are ~0.2 MiB).
"""

import os
from _frozen_importlib_external import SourceFileLoader  # importlib's own, loaded with the interpreter


class _Loader(SourceFileLoader):
    def set_data(self, path, data, *, _mode=0o666):
        pass  # the runtime folder is read-only in the sandbox, and Lamina writes the bytecode itself


exec(_Loader("__main__", os.path.join(os.path.dirname(__file__), "runtime.py")).get_code("__main__"), globals())
