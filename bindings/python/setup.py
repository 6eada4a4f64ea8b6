"""Builds the csmail wheel with the csmail shared library inside it.

By default the build runs ``cargo build --release --lib`` in the csmail repository this folder
belongs to (``../..``) and puts ``libcsmail.so`` (``csmail.dll``, ``libcsmail.dylib``) into the
package, so ``pip install ./bindings/python`` gives a package that works with nothing else
installed, and the wheel is tagged for this platform. Environment:

- ``CSMAIL_BUNDLE=PATH``: bundle this already built library instead of running cargo;
- ``CSMAIL_CARGO_PROFILE=debug``: build (and bundle) the debug profile instead of release;
- ``CSMAIL_NO_BUNDLE=1``: bundle nothing; the package then finds the library at run time
  through ``CSMAIL_LIBRARY``, ``pkg-config csmail`` or the system's search path.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

if sys.platform == "win32":
    LIBRARY = "csmail.dll"
elif sys.platform == "darwin":
    LIBRARY = "libcsmail.dylib"
else:
    LIBRARY = "libcsmail.so"


def bundling() -> bool:
    return os.environ.get("CSMAIL_NO_BUNDLE", "") not in ("1", "true", "yes")


def library_to_bundle() -> Path:
    given = os.environ.get("CSMAIL_BUNDLE")
    if given:
        path = Path(given)
        if not path.is_file():
            sys.exit(f"csmail setup: CSMAIL_BUNDLE={given} is not a file")
        return path
    if not (REPO / "Cargo.toml").is_file():
        sys.exit(
            "csmail setup: no csmail repository at ../.. to build the library from; set CSMAIL_BUNDLE to a built "
            "libcsmail, or CSMAIL_NO_BUNDLE=1 to find an installed one at run time"
        )
    cargo = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    if not Path(cargo).exists():
        sys.exit(
            "csmail setup: cargo (Rust) is needed to build the csmail library (https://rustup.rs); or set "
            "CSMAIL_BUNDLE to a built libcsmail, or CSMAIL_NO_BUNDLE=1"
        )
    profile = os.environ.get("CSMAIL_CARGO_PROFILE", "release")
    command = [cargo, "build", "--lib", "--manifest-path", str(REPO / "Cargo.toml")]
    if profile == "release":
        command.append("--release")
    elif profile != "debug":
        command += ["--profile", profile]
    print("csmail setup:", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=REPO)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / profile / LIBRARY


class BuildWithLibrary(build_py):
    """build_py that also copies the shared library into the package."""

    def run(self) -> None:
        super().run()
        if bundling():
            library = library_to_bundle()
            destination = Path(self.build_lib) / "csmail" / LIBRARY
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(library, destination)
            print(f"csmail setup: bundled {library} as {destination}", flush=True)


class BinaryDistribution(Distribution):
    """A wheel with a shared library in it is platform-specific."""

    def has_ext_modules(self) -> bool:
        return bundling()


cmdclass = {"build_py": BuildWithLibrary}
try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]


class PlatformWheel(bdist_wheel):
    """ctypes needs no Python ABI: the wheel is py3-none-<platform>."""

    def get_tag(self):  # type: ignore[no-untyped-def]
        python, abi, platform = super().get_tag()
        return ("py3", "none", platform) if bundling() else (python, abi, platform)


cmdclass["bdist_wheel"] = PlatformWheel

setup(cmdclass=cmdclass, distclass=BinaryDistribution)
