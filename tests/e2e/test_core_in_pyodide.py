"""The core test suite, run by pytest inside Pyodide in Chromium, and its numbers against CPython's.

faders.core must run unchanged in the browser: the same tests pass there, and the same seeded
computations give the same numbers.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import ROOT, Guarded
from tools.deps import fetch_test_wheels
from tools.pyodide_page import run_python, start_pyodide

CORE_TESTS = ROOT / "tests" / "core"
IN_BROWSER = "/home/pyodide/core"

RUN_SUITE = f"""
import json, pytest

outcomes, failures = {{}}, {{}}

class Record:
    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome != "passed":
            outcomes[report.nodeid] = report.outcome
        if report.failed:
            failures[report.nodeid] = str(report.longrepr)[-1500:]

code = pytest.main(["-q", "-p", "no:cacheprovider", "--capture=sys", "-W", "error",
                    "{IN_BROWSER}"], plugins=[Record()])
json.dumps({{"exit_code": int(code), "outcomes": outcomes, "failures": failures}})
"""


FINGERPRINT = f"""
import json, sys
sys.path.insert(0, "{IN_BROWSER}")
from fingerprint import fingerprint
json.dumps(fingerprint())
"""
# Only libm's last-bit rounding (exp, sin, ...) may differ between the two builds of numpy.
RELATIVE_TOLERANCE = 1e-9


def cpython_fingerprint() -> dict:
    spec = importlib.util.spec_from_file_location("fingerprint", CORE_TESTS / "fingerprint.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return json.loads(json.dumps(module.fingerprint()))  # the same JSON round trip as the browser's


def cpython_test_ids() -> set[str]:
    """The core tests as CPython's pytest collects them, as file::name relative to tests/core."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
               str(CORE_TESTS)]
    listing = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    prefix = "tests/core/"
    return {line.removeprefix(prefix) for line in listing.splitlines() if line.startswith(prefix)}


@pytest.fixture(scope="module")
def pyodide_page(guarded: Guarded, base_url: str) -> Page:
    page = guarded.new_page()
    files = {f"{IN_BROWSER}/{path.name}": path.read_text() for path in sorted(CORE_TESTS.glob("*.py"))}
    version = start_pyodide(page, base_url, ["numpy", "faders"], fetch_test_wheels(), files)
    assert version.startswith("3.12.")
    return page


def test_core_suite_passes_in_pyodide(pyodide_page: Page) -> None:
    result = run_python(pyodide_page, RUN_SUITE)
    outcomes = result["outcomes"]
    failed = {test: outcome for test, outcome in outcomes.items() if outcome != "passed"}
    details = "\n\n".join(f"{test}:\n{text}" for test, text in list(result["failures"].items())[:3])
    assert failed == {}, f"core tests that did not pass in Pyodide: {failed}\n{details}"
    assert result["exit_code"] == 0
    ran = {test.removeprefix("core/") for test in outcomes}
    expected = cpython_test_ids()
    assert expected, "CPython collected no core tests"
    assert ran == expected, f"only in CPython: {expected - ran}; only in Pyodide: {ran - expected}"


def test_core_numbers_agree_with_cpython(pyodide_page: Page) -> None:
    in_browser, native = run_python(pyodide_page, FINGERPRINT), cpython_fingerprint()
    assert in_browser.keys() == native.keys()
    for key, expected in native.items():
        got = in_browser[key]
        if isinstance(expected, str) or all(isinstance(v, int) for v in expected):
            assert got == expected, key
        else:
            np.testing.assert_allclose(got, expected, rtol=RELATIVE_TOLERANCE, atol=1e-15, err_msg=key)
