"""Makes the Python properties of clients and proxies from the generated property table
(_properties.py): ``Host`` and ``host``, ``TimeoutMs`` and ``timeout_ms``, ..."""

import ctypes
import re
from typing import Any

from ._errors import check, read_string
from ._handle import utf8
from ._library import LIB
from ._properties import PROPERTIES


def snake(name: str) -> str:
    """``ReplyEnhancedCode`` -> ``reply_enhanced_code``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _make(prefix: str, prop_id: int, kind: str, access: str, doc: str) -> property:
    get_int = getattr(LIB, f"csmail_{prefix}_get_int")
    set_int = getattr(LIB, f"csmail_{prefix}_set_int")
    get_str = getattr(LIB, f"csmail_{prefix}_get_str")
    set_str = getattr(LIB, f"csmail_{prefix}_set_str")

    def getter(self: Any) -> Any:
        h = self.handle
        if kind == "int":
            value = ctypes.c_int32(0)
            check(get_int(h, prop_id, ctypes.byref(value)))
            return value.value
        return read_string(lambda b, n, need: get_str(h, prop_id, b, n, need))

    def setter(self: Any, value: Any) -> None:
        h = self.handle
        if kind == "int":
            check(set_int(h, prop_id, int(value)))
        else:
            check(set_str(h, prop_id, utf8(value)))

    # A write-only property (Password) keeps its getter: the library answers it with
    # NotSupportedError and a text that says so.
    return property(getter, setter if access != "r" else None, doc=doc)


def add_properties(cls: type, prefix: str, kind_name: str) -> type:
    """Adds every property of the table that ``kind_name`` ("smtp", "pop3", "proxy") has."""
    for prop_id, name, kind, access, objects, doc in PROPERTIES:
        if kind_name not in objects:
            continue
        p = _make(prefix, prop_id, kind, access, doc)
        setattr(cls, name, p)
        setattr(cls, snake(name), p)
    return cls

