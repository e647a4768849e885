"""The commands of build.py: build, serve, test, bench."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))


def ensure_chromium() -> None:
    """The end-to-end tests drive Debian's chromium; install it when it is missing."""
    if Path("/usr/bin/chromium").exists():
        return
    print("build.py: installing Debian's chromium for the end-to-end tests ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "chromium"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def build() -> Path:
    from tools.site import build as build_site

    began = time.perf_counter()
    dist = build_site()
    print(f"build.py: built {dist.relative_to(ROOT)}/ in {time.perf_counter() - began:.1f} s", flush=True)
    return dist


def serve(port: int) -> int:
    from tools.server import start

    dist = build()
    server = start(dist, port, verbose=True)
    print(f"build.py: serving {dist.relative_to(ROOT)}/ on http://127.0.0.1:{server.server_port}/ "
          "(Ctrl+C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


def test(extra: list[str]) -> int:
    ensure_chromium()
    build()
    subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, check=True)
    return subprocess.run([sys.executable, "-m", "pytest", *extra], cwd=ROOT).returncode


def bench() -> int:
    ensure_chromium()
    build()
    from tools.bench import main as run_bench

    return run_bench()


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build, serve, test and benchmark Faders.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="fetch and verify dependencies, build dist/")
    serve_parser = commands.add_parser("serve", help="build, then serve dist/ on http://127.0.0.1:8000")
    serve_parser.add_argument("--port", type=int, default=8000)
    test_parser = commands.add_parser("test", help="build, then run every test")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    commands.add_parser("bench", help="build, then print the benchmark table")
    args = parser.parse_args(argv)
    if args.command == "build":
        build()
        return 0
    if args.command == "serve":
        return serve(args.port)
    if args.command == "test":
        return test(args.pytest_args)
    return bench()
