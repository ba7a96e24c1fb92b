"""One headless Chromium for many pages, driven over its DevTools pipe.

A Chromium start costs one to three seconds on these machines, and a site has a page per province.
So one browser is started and every page gets a fresh tab in it: printing all the profiles (or
looking at every page in the tests) costs one start, not one per page.

The DevTools protocol runs over two pipes (Chromium reads commands on its fd 3 and writes replies on
its fd 4, each message a JSON text ended by a NUL byte), so no port is opened on a shared machine.
Each tab waits for its page's load event, then lets a budget of virtual time pass, as
`--virtual-time-budget` does on the command line: time runs fast while no file is loading, so
charts that draw after a timer or a map that loads its shapes have drawn before the page is read.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)
BUDGET_MS = 15_000  # virtual time a page gets to finish drawing (the command line's budget)
TIMEOUT_S = 120.0  # wall time for one command or one page load, before the browser counts as hung
READ_CHUNK = 1 << 20


class BrowserError(RuntimeError):
    """Chromium did not start, died, hung, or refused a command."""


@dataclass
class DevToolsPipe:
    """The two ends of the protocol pipes on our side, and what arrived but was not yet asked for."""

    commands: int
    replies: int
    timeout: float = TIMEOUT_S
    pending: bytes = b""
    events: list[dict[str, Any]] = field(default_factory=list)
    last_id: int = 0

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict:
        """Send one command and return its result; a protocol error raises `BrowserError`."""
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.post(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self.next_message(deadline)
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def post(self, message: dict[str, Any]) -> None:
        """Write one message, NUL-terminated, without waiting for its reply."""
        try:
            os.write(self.commands, json.dumps(message).encode() + b"\0")
        except OSError as error:
            raise BrowserError(f"Chromium closed its DevTools pipe (it exited): {error}") from error

    def wait_for(self, methods: set[str], session: str) -> None:
        """Block until each of `methods` has been sent as an event of `session`."""
        deadline = time.monotonic() + self.timeout
        seen = {e["method"] for e in self.events if e.get("sessionId") == session}
        while not methods <= seen:
            event = self.next_message(deadline)
            if event.get("sessionId") == session:
                seen.add(event.get("method", ""))
        self.events = [e for e in self.events if e.get("sessionId") != session]

    def next_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.replies], [], [], left)[0]:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self.replies, READ_CHUNK)
            if not chunk:
                raise BrowserError("Chromium closed its DevTools pipe (it exited)")
            self.pending += chunk
        message, _, self.pending = self.pending.partition(b"\0")
        return json.loads(message)


@dataclass
class Tab:
    """One page, loaded and settled, in its own tab."""

    pipe: DevToolsPipe
    session: str

    def evaluate(self, expression: str) -> Any:
        found = self.pipe.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session
        )
        if "exceptionDetails" in found:
            raise BrowserError(f"{expression}: {found['exceptionDetails'].get('text')}")
        return found["result"].get("value")

    def dom(self) -> str:
        """The page as it stands after its scripts ran (what `--dump-dom` prints)."""
        return self.evaluate("document.documentElement.outerHTML")

    def screenshot(self, path: Path) -> Path:
        found = self.pipe.send("Page.captureScreenshot", {"format": "png"}, self.session)
        path.write_bytes(base64.b64decode(found["data"]))
        return path

    def pdf(self, path: Path) -> Path:
        """Print with the page's own @page size and no header or footer, as `--print-to-pdf` does."""
        options = {"displayHeaderFooter": False, "preferCSSPageSize": True}
        found = self.pipe.send("Page.printToPDF", options, self.session)
        path.write_bytes(base64.b64decode(found["data"]))
        return path


@dataclass
class Browser:
    pipe: DevToolsPipe

    @contextmanager
    def open(self, url: str, width: int = 1400, height: int = 2000) -> Iterator[Tab]:
        """A new tab of `width` × `height` showing `url` once its virtual-time budget is spent."""
        target = self.pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        try:
            session = self.pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            self.pipe.send("Page.enable", session=session)
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
            self.pipe.send("Emulation.setDeviceMetricsOverride", metrics, session)
            self.pipe.send("Page.navigate", {"url": url}, session)
            self.pipe.wait_for({"Page.loadEventFired"}, session)
            policy = {"policy": "pauseIfNetworkFetchesPending", "budget": BUDGET_MS}
            self.pipe.send("Emulation.setVirtualTimePolicy", policy, session)
            self.pipe.wait_for({"Emulation.virtualTimeBudgetExpired"}, session)
            # time runs again: a screenshot or a print waits for a frame that paused time never draws
            self.pipe.send("Emulation.setVirtualTimePolicy", {"policy": "advance"}, session)
            yield Tab(self.pipe, session)
        finally:
            self.pipe.send("Target.closeTarget", {"targetId": target})


def above(fd: int, lowest: int = 10) -> int:
    """A close-on-exec copy of `fd` numbered at least `lowest`, so moving it onto 3 or 4 is safe."""
    copy = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
    os.close(fd)
    return copy


@contextmanager
def headless(executable: str, profile: Path, timeout: float = TIMEOUT_S) -> Iterator[Browser]:
    """Start Chromium with its DevTools pipe; stop it (and reap it) however the block ends.

    `posix_spawn` places the pipe ends on the child's fd 3 and 4 without running Python in the
    child, which is safe in a process that has threads (a Dagster step has several)."""
    commands_in, commands_out = (above(fd) for fd in os.pipe())
    replies_in, replies_out = (above(fd) for fd in os.pipe())
    actions = [
        (os.POSIX_SPAWN_DUP2, commands_in, 3),
        (os.POSIX_SPAWN_DUP2, replies_out, 4),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    argv = [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"]
    try:
        pid = os.posix_spawn(executable, argv, os.environ, file_actions=actions, setpgroup=0)
    except OSError as error:
        os.close(commands_out)
        os.close(replies_in)
        raise BrowserError(f"Chromium did not start: {error}") from error
    finally:
        os.close(commands_in)
        os.close(replies_out)
    pipe = DevToolsPipe(commands_out, replies_in, timeout)
    try:
        yield Browser(pipe)
    finally:
        stop(pid, pipe)


def stop(pid: int, pipe: DevToolsPipe) -> None:
    """Ask Chromium to close; kill its process group if it has not after five seconds (or the
    pipe's timeout, if shorter)."""
    try:
        pipe.post({"id": 0, "method": "Browser.close"})
    except BrowserError:
        pass  # it exited already
    deadline = time.monotonic() + min(5.0, pipe.timeout)
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            break
        time.sleep(0.05)
    else:
        os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(pipe.commands)
    os.close(pipe.replies)
