"""A browser driven over Chromium's own DevTools pipe, attached to its pages only.

Playwright attaches a DevTools session to every page and every worker, and holds each new worker
until that session is set up; a reader's browser has none. The start benchmark drives Chromium
this way so that its figures are a reader's: one session per page, none on the page's workers
unless asked for once the page is ready (the worker's memory).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import threading
import time
from typing import Any

CHROMIUM = "/usr/bin/chromium"


class DevToolsError(RuntimeError):
    pass


class Browser:
    """One Chromium on its own profile folder; `call` sends a command and returns its result."""

    def __init__(self, profile: str, args: list[str], init_script: str = "") -> None:
        self.init_script = init_script  # run in every page's documents before their own scripts
        self.offline = False
        to_browser, self._writer = os.pipe()
        self._reader, from_browser = os.pipe()

        def pipes_as_3_and_4() -> None:  # where --remote-debugging-pipe looks for them
            # Each moved above 4 first, so that putting one in place cannot overwrite the other.
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--remote-debugging-pipe", f"--user-data-dir={profile}",
             "--no-first-run", "--no-default-browser-check", *args, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=pipes_as_3_and_4, close_fds=False)
        os.close(to_browser)
        os.close(from_browser)
        self._next_id = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._answered = threading.Condition()
        self._attached: list[dict[str, Any]] = []  # targets attached to by a page's session
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._reader, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                with self._answered:
                    if "id" in message:
                        self._answers[message["id"]] = message
                    elif message.get("method") == "Target.attachedToTarget":
                        self._attached.append(message["params"])
                    self._answered.notify_all()

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 60) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            os.write(self._writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._answered:
            while ident not in self._answers:
                if not self._answered.wait(deadline - time.monotonic()):
                    raise TimeoutError(f"{method}: no answer in {timeout} s")
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise DevToolsError(f"{method}: {answer['error'].get('message')}")
        return answer["result"]

    def new_page(self) -> Page:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        if self.offline:
            self._emulate_offline(session)
        if self.init_script:  # which the page runs only with its Page domain on
            self.call("Page.enable", session=session)
            self.call("Page.addScriptToEvaluateOnNewDocument", {"source": self.init_script}, session)
        return Page(self, target, session)

    def attached_workers(self, timeout: float) -> list[str]:
        """Sessions of the workers a page's auto-attach has reported, once there is one."""
        deadline = time.monotonic() + timeout
        with self._answered:
            while not (workers := [a["sessionId"] for a in self._attached
                                   if a["targetInfo"]["type"] == "worker"]):
                if not self._answered.wait(deadline - time.monotonic()):
                    raise DevToolsError("the page has no worker")
        return workers

    def forget_attached(self) -> None:
        with self._answered:
            self._attached.clear()

    def renderer_pids(self) -> list[int]:
        processes = self.call("SystemInfo.getProcessInfo")["processInfo"]
        return [process["id"] for process in processes if process["type"] == "renderer"]

    def set_offline(self, offline: bool) -> None:
        """Every page's and service worker's requests fail while `offline`, pages opened later too."""
        self.offline = offline
        for target in self.call("Target.getTargets")["targetInfos"]:
            if target["type"] in ("page", "service_worker") and not target["url"].startswith("chrome:"):
                # A page closed a moment ago may still be listed, or go now; a service worker that
                # is stopping may never answer.
                try:
                    session = self.call("Target.attachToTarget",
                                        {"targetId": target["targetId"], "flatten": True},
                                        timeout=10)["sessionId"]
                    self._emulate_offline(session, timeout=10)
                except (DevToolsError, TimeoutError):
                    continue

    def _emulate_offline(self, session: str, timeout: float = 60) -> None:
        self.call("Network.enable", session=session, timeout=timeout)
        self.call("Network.emulateNetworkConditions", {
            "offline": self.offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            session, timeout=timeout)

    def close(self) -> None:
        with contextlib.suppress(DevToolsError, TimeoutError, OSError):
            self.call("Browser.close", timeout=10)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._writer)
        os.close(self._reader)


class Page:
    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.browser, self.target, self.session = browser, target, session

    def goto(self, url: str) -> None:
        self.browser.call("Page.navigate", {"url": url}, self.session)

    def evaluate(self, expression: str, timeout: float = 60) -> Any:
        result = self.browser.call("Runtime.evaluate", {
            "expression": expression, "returnByValue": True, "awaitPromise": True}, self.session,
            timeout=timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise DevToolsError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def wait_until(self, expression: str, timeout: float = 30, polling: float = 0.05) -> Any:
        """Poll `expression` until it is truthy; an exception counts as not yet (a document that
        is still being replaced has no root element for a moment)."""
        deadline = time.monotonic() + timeout
        last_error = ""
        while True:
            try:
                if value := self.evaluate(expression):
                    return value
            except DevToolsError as error:
                last_error = f" (last: {error})"
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:g} s waiting for {expression}{last_error}")
            time.sleep(polling)

    def evaluate_in_worker(self, expression: str, timeout: float = 10) -> Any:
        """The first value of `expression` that is not null in the page's dedicated workers,
        attached to only now (through the page's session: a worker answers no session of its
        own), in the order the browser reports them."""
        browser = self.browser
        browser.call("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": False,
                                              "flatten": True}, self.session)
        try:
            for session in browser.attached_workers(timeout):
                result = browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                      session, timeout=timeout)
                if (value := result["result"].get("value")) is not None:
                    return value
            raise DevToolsError(f"no worker has {expression}")
        finally:
            # Turning auto-attach off detaches the page's workers again.
            browser.call("Target.setAutoAttach", {"autoAttach": False, "waitForDebuggerOnStart": False},
                         self.session)
            browser.forget_attached()

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})
