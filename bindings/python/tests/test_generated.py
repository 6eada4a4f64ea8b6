"""The package's constants and prototypes are those of csmail.h: nothing is copied by hand."""

import ctypes
import re
from pathlib import Path

import csmail
from csmail import _errors, _ffi

HEADER = Path(__file__).resolve().parents[3] / "include" / "csmail.h"


# Macros of the header that are no constant: the calling convention (__stdcall on 32-bit Windows).
NOT_CONSTANTS = {"CSMAIL_CALL"}


def header_defines():
    """NAME -> value of every numeric #define of the header, expressions evaluated."""
    values = {}
    for line in HEADER.read_text(encoding="utf-8").splitlines():
        m = re.match(r"#define (\w+) (.+)$", line.strip())
        if not m or m.group(1) in NOT_CONSTANTS or m.group(2).startswith('"'):
            continue
        expr = m.group(2).replace("(int32_t)", "")
        values[m.group(1)] = eval(expr, {}, dict(values))  # noqa: S307 - the project's own header
    return values


def test_every_header_constant_has_its_value_in_the_package():
    defines = header_defines()
    assert len(defines) > 200
    for name, value in defines.items():
        assert getattr(csmail, name) == value, name
    assert csmail.CSMAIL_VERSION == re.search(r'#define CSMAIL_VERSION "(.+)"', HEADER.read_text()).group(1)
    # The legacy names of the seeds, exactly.
    assert (csmail.MODE_STARTTLS, csmail.eexSSLCertName, csmail.eexSSLCertificate) == (1, 1405, 1407)
    assert (csmail.mailCertificateUntrusted, csmail.errConnect) == (5, csmail.CSMAIL_E_CONNECT)


def test_every_header_function_is_declared_and_bound():
    text = HEADER.read_text(encoding="utf-8")
    functions = set(re.findall(r"\b(csmail_[a-z0-9_]+)\(", text))
    assert functions == set(_ffi.PROTOTYPES)
    lib = csmail._library.LIB
    for name, (restype, argtypes) in _ffi.PROTOTYPES.items():
        fn = getattr(lib, name)
        assert fn.restype is restype and fn.argtypes == argtypes, name


def test_one_exception_class_per_result_code():
    codes = {v for k, v in vars(csmail).items() if k.startswith("CSMAIL_E_")}
    assert set(_errors.ERRORS) == codes
    assert len(set(_errors.ERRORS.values())) == len(codes)
    for code, cls in _errors.ERRORS.items():
        assert issubclass(cls, csmail.CSMailError) and cls.result == code
    assert issubclass(csmail.TimeoutError, TimeoutError)
    assert issubclass(csmail.InvalidArgumentError, ValueError)


def test_prototype_sizes_match_the_platform():
    assert ctypes.sizeof(_ffi.csmail_certificate_info) == 2 * 4 + 6 * ctypes.sizeof(ctypes.c_void_p) + ctypes.sizeof(
        ctypes.c_size_t
    )


def test_the_installed_package_loads_its_bundled_library():
    import os
    from pathlib import Path

    if os.environ.get("CSMAIL_EXPECT_BUNDLED") != "1":
        import pytest

        pytest.skip("run by scripts/test-python.sh, which installs the wheel")
    package = Path(csmail.__file__).resolve().parent
    assert "site-packages" in package.parts
    assert Path(csmail.library_path).resolve().parent == package
    assert csmail.library_version == csmail.CSMAIL_VERSION
