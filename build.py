#!/usr/bin/env python3
"""Faders' one entry point: build, serve, test and benchmark the site.

    python3 build.py build   # fetch and verify dependencies, build dist/
    python3 build.py serve   # build, then serve dist/ on http://127.0.0.1:8000
    python3 build.py test    # build, then run every test (unit and end-to-end)
    python3 build.py bench   # build, then print the benchmark table

Starts under any Python 3; the tooling runs in .venv/, a CPython 3.12 venv (Panel 1.10 and the
.pyc precompile for Pyodide's Python 3.12 need it), which this script creates on first use.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "requirements-dev.txt"


def find_python312() -> str:
    """A CPython 3.12 interpreter: on PATH, or installed by pyenv."""
    candidates = [shutil.which("python3.12") or ""]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12")))
    candidates += ["/usr/bin/python3.12", "/usr/local/bin/python3.12"]
    for candidate in candidates:
        if not candidate or not os.path.exists(candidate):
            continue
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 12)":
            return candidate
    sys.exit("build.py: CPython 3.12 is required (Panel 1.10 needs it, and the .pyc files must "
             "match Pyodide's Python 3.12). Install python3.12 and run again.")


def ensure_venv() -> None:
    """Create .venv with the pinned tooling, or refresh it when requirements-dev.txt changed."""
    stamp = VENV / ".requirements"
    wanted = REQUIREMENTS.read_text()
    if VENV_PYTHON.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    print("build.py: preparing the tooling venv .venv/ (CPython 3.12) ...", flush=True)
    if not VENV_PYTHON.exists():
        subprocess.run([find_python312(), "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
                   check=True)
    stamp.write_text(wanted)


def main() -> None:
    if Path(sys.prefix).resolve() != VENV.resolve():
        ensure_venv()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])
    sys.path.insert(0, str(ROOT))
    from tools.cli import run

    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
