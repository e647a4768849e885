"""One training run: its status, its history, Stop as an event, the frame schedule, and its locks.

A lesson (or one part of a lesson) that trains makes one `TrainingRun` and keeps its own numbers
(weights, frames, traces); the run keeps what every run has:

    self.training_run = TrainingRun(self)            # drives the lesson's `status` parameter

    async def do_train(self) -> None:
        if self.training_run.running:
            return
        outcome, _ = await self.training_run.train(self._one_epoch, self._finished, self._publish,
                                                   FRAME_SECONDS)
        self.training_run.end(outcome)                 # "stopped" if Stop was pressed meanwhile

    async def do_stop(self) -> None:
        self.training_run.stop()

    async def do_reset(self) -> None:
        await self.training_run.halt()                 # Stop, and wait until the loop has let go
        ...                                            # then put the lesson's own numbers back

The status is the owner's param Selector (so that views, the announcer and `results()` watch it as
any other parameter); its values are the lesson's own ("idle", "training", "stopped", "done",
"diverged", or "trained", "benchmarking"…); the run only needs RUNNING to say which ones are a run
in progress. While it runs, the owner's knobs that are not `live` are locked (kit.knobs).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import param

from faders.lessons.kit.frames import train_in_frames
from faders.lessons.kit.history import LossHistory
from faders.lessons.kit.knobs import locked_knobs

# The statuses of a run in progress: its non-live knobs are locked, Stop applies, Reset waits.
RUNNING = ("training", "benchmarking")
TRAINING_REASON = "Training is running; press Stop first."


class TrainingRun:
    """The run of `owner` (a lesson, or one part of one), kept in `owner`'s status parameter."""

    def __init__(self, owner: param.Parameterized, status: str = "status", *,
                 lock_reason: str = TRAINING_REASON, size_warning: Callable[[], str] | None = None) -> None:
        self.owner = owner
        self.status_name = status
        self.lock_reason = lock_reason
        # Rows (epoch, losses…) of the run, thinned to a bounded size; None for a lesson that keeps its own.
        self.history: LossHistory | None = None
        self._size_warning = size_warning
        self._stop = asyncio.Event()  # set by Stop; a new one for each run
        self._idle = asyncio.Event()  # set whenever no run is in progress
        self._idle.set()

    # ---- status ------------------------------------------------------------------------------

    @property
    def status(self) -> str:
        return getattr(self.owner, self.status_name)

    @status.setter
    def status(self, value: str) -> None:
        setattr(self.owner, self.status_name, value)

    @property
    def running(self) -> bool:
        """A run is in progress (training, benchmarking…)."""
        return self.status in RUNNING

    @property
    def stop_requested(self) -> bool:
        """Stop (or Reset) was pressed since this run began."""
        return self._stop.is_set()

    def locked(self) -> dict[str, str]:
        """The owner's knobs that cannot be turned now, each with its reason (see kit.knobs)."""
        return locked_knobs(self.owner, self.status, self.running, self.lock_reason)

    def warning(self) -> str:
        """Words when the setting is too large to watch it train on this device ("" when it is not)."""
        return self._size_warning() if self._size_warning is not None else ""

    # ---- one run -------------------------------------------------------------------------------

    def begin(self, status: str = "training", **changes: Any) -> None:
        """A run starts: Stop is cleared, the status (and any other `changes`) set at once."""
        self._stop = asyncio.Event()
        self._idle = asyncio.Event()
        self.owner.param.update({self.status_name: status, **changes})

    def end(self, outcome: str, **changes: Any) -> None:
        """The run is over: its status becomes `outcome`, or "stopped" if Stop was pressed meanwhile."""
        self.owner.param.update({self.status_name: "stopped" if self.stop_requested else outcome,
                                 **changes})
        self._idle.set()

    def stop(self) -> None:
        """Ask the run to stop: it does at its next frame, or at once if it rests between frames."""
        self._stop.set()

    async def halt(self) -> None:
        """Stop, and wait until the run has let go (its loop has ended): then the lesson may reset."""
        self.stop()
        if self.running:
            await self._idle.wait()

    async def wait_turn(self) -> bool:
        """Wait until no run is in progress (one run at a time: only the API can ask for a second).
        False when Stop (or Reset) was pressed meanwhile: the waiting action then drops out too."""
        while self.running and not self._idle.is_set():
            stop, stopped_before = self._stop, self._stop.is_set()
            await self._idle.wait()
            if stop.is_set() and not stopped_before:
                return False
        return True

    def recover(self) -> None:
        """After an action failed half-way: a run left in progress is marked stopped."""
        if self.running:
            self.status = "stopped"
        self._idle.set()

    async def rest(self, seconds: float) -> None:
        """Wait `seconds` between frames, or less when Stop comes first."""
        if seconds <= 0 or self.stop_requested:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def train(self, one_epoch: Callable[[], bool], finished: Callable[[], bool],
                    publish: Callable[[], None], frame_seconds: float, *,
                    every: int | None = None) -> tuple[str, int]:
        """Begin a run and train in frames (kit.frames.train_in_frames) until Stop, `finished()` or
        divergence. Returns the outcome ("stopped", "done" or "diverged") and the frames published;
        the caller then says how it ended with `end()` (a lesson may call "done" "trained").
        If an epoch raises, the run is marked stopped and the error goes on."""
        self.begin()
        try:
            return await train_in_frames(one_epoch, finished, publish, lambda: self.stop_requested,
                                         frame_seconds, every=every, rest=self.rest)
        except BaseException:
            self.recover()
            raise

    def step(self, one_epoch: Callable[[], bool], publish: Callable[[], None]) -> None:
        """One epoch by hand (the Step button), then a frame; nothing while a run goes or diverged."""
        if self.running or self.status == "diverged":
            return
        self.status = "stopped" if one_epoch() else "diverged"
        publish()


class EpochActions:
    """Stop, Step and Reset for a lesson or a part that trains epoch by epoch: mixed into a class that
    has a `training_run`, `_one_epoch()` (False once the loss diverged), `_publish()` (the frame the
    page draws) and `restart()` (the run from epoch 0)."""

    training_run: TrainingRun

    async def do_stop(self) -> None:
        self.training_run.stop()

    async def do_step(self) -> None:
        """One epoch, then a redraw."""
        self.training_run.step(self._one_epoch, self._publish)  # type: ignore[attr-defined]

    async def do_reset(self) -> None:
        """Back to epoch 0 with fresh weights (the same seed gives the same ones)."""
        await self.training_run.halt()
        self.restart()  # type: ignore[attr-defined]
