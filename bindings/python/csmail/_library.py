"""Finds and loads the csmail shared library, and declares its functions (from _ffi.py).

Search order:

1. ``CSMAIL_LIBRARY``: the path of the library file, if set (for a library built elsewhere);
2. the library bundled in this package (the wheel ``pip install`` builds carries one);
3. ``pkg-config --variable=libdir csmail`` (an installed csmail);
4. the system's search path (``ctypes.util.find_library("csmail")``).
"""

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

from . import _constants, _ffi

if sys.platform == "win32":  # pragma: no cover
    _NAMES = ["csmail.dll"]
elif sys.platform == "darwin":  # pragma: no cover
    _NAMES = ["libcsmail.dylib"]
else:
    _NAMES = ["libcsmail.so", "libcsmail.so.0"]


# 32-bit csmail.dll exports stdcall (what VB calls): ctypes calls those through WinDLL.
_LOADER = ctypes.CDLL
if sys.platform == "win32" and ctypes.sizeof(ctypes.c_void_p) == 4:  # pragma: no cover
    _LOADER = ctypes.WinDLL  # type: ignore[attr-defined,misc]


class LibraryNotFound(ImportError):
    """The csmail shared library could not be found or does not match this package."""


def _pkg_config_dir() -> Optional[Path]:
    if shutil.which("pkg-config") is None:
        return None
    try:
        out = subprocess.run(
            ["pkg-config", "--variable=libdir", "csmail"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def candidates() -> List[str]:
    """The library files to try, in order."""
    found: List[str] = []
    env = os.environ.get("CSMAIL_LIBRARY")
    if env:
        return [env]
    here = Path(__file__).resolve().parent
    found += [str(here / n) for n in _NAMES if (here / n).exists()]
    libdir = _pkg_config_dir()
    if libdir is not None:
        found += [str(libdir / n) for n in _NAMES if (libdir / n).exists()]
    system = ctypes.util.find_library("csmail")
    if system:
        found.append(system)
    return found


def load() -> "tuple[ctypes.CDLL, str]":
    """Loads the first library of ``candidates()``, declares every function on it, and returns
    it with its path."""
    tried = candidates()
    errors = []
    for path in tried:
        try:
            lib = _LOADER(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
            continue
        missing = _ffi.bind(lib)
        if missing:
            raise LibraryNotFound(
                f"{path} lacks {len(missing)} functions of this csmail package ({', '.join(missing[:5])} ...): "
                "it is an older or newer csmail; point CSMAIL_LIBRARY at the matching libcsmail"
            )
        return lib, path
    detail = "; ".join(errors) if errors else "no candidate found"
    raise LibraryNotFound(
        "the csmail shared library was not found (" + detail + "). Install the package with pip so that it "
        "builds and bundles the library (needs cargo), install csmail (pkg-config csmail), or set "
        "CSMAIL_LIBRARY to the path of libcsmail.so / csmail.dll."
    )


#: The library, and the path it was loaded from.
LIB, PATH = load()

#: The version of the loaded library (csmail_version()).
VERSION: str = LIB.csmail_version().decode("ascii")

if VERSION != _constants.CSMAIL_VERSION:  # pragma: no cover
    import warnings

    warnings.warn(
        f"csmail: the library at {PATH} is version {VERSION}, this package {_constants.CSMAIL_VERSION}",
        RuntimeWarning,
        stacklevel=2,
    )
