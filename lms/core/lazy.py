"""Heavy libraries imported on first use, so a web worker that never needs them stays small.

pandas alone adds about 60 MiB to a process; a gunicorn worker serving lessons and quizzes
never touches it. Modules that use it (roster files) write

    from lms.core.lazy import lazy_module
    pd = lazy_module("pandas")

and call `pd.DataFrame(...)` as before: the import happens at the first attribute read.
Annotations naming `pd.DataFrame` must not be evaluated at import time (`from __future__
import annotations`). tests/lms/test_lean_worker.py checks that serving a lesson imports none
of these libraries.
"""

import importlib
from types import ModuleType


class _LazyModule(ModuleType):
    """Stands for a module until an attribute is read, then forwards to the real one."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_lazy_target"] = None

    def _load(self) -> ModuleType:
        target = self.__dict__["_lazy_target"]
        if target is None:
            target = importlib.import_module(self.__name__)
            self.__dict__["_lazy_target"] = target
        return target

    def __getattr__(self, attribute: str):
        return getattr(self._load(), attribute)

    def __dir__(self):
        return dir(self._load())


def lazy_module(name: str) -> ModuleType:
    """A stand-in for `import name` that imports the module on first attribute access."""
    return _LazyModule(name)
