"""The kit's knob table and training run, in CPython, on a toy lesson."""

from __future__ import annotations

import asyncio
import time
from typing import Any, ClassVar

import param
import pytest

from faders.lessons.kit.knobs import Knob, knob, knobs, url_names
from faders.lessons.kit.lesson import Lesson, Part
from faders.lessons.kit.run import TRAINING_REASON, TrainingRun
from tests.helpers import run


class Toy(Lesson):
    """A lesson that counts epochs: enough to drive a TrainingRun."""

    actions = ("train", "stop", "reset")
    rate = knob(param.Number(0.1, bounds=(0.0, 1.0), doc="How fast."), key="r", label="Rate", live=True)
    size = knob(param.Integer(3, bounds=(1, 9), doc="How big."), key="n", label="Size", restarts=True,
                locked_in={"done": "Done; reset first."})
    status = param.Selector(default="idle", objects=["idle", "training", "stopped", "done", "diverged"])

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.training_run = TrainingRun(self)
        self.epochs, self.restarts, self.frames, self.goal, self.diverge_at = 0, 0, 0, 50, None
        self.frame_seconds = 0.0

    def restart(self) -> None:
        self.restarts += 1

    def one_epoch(self) -> bool:
        self.epochs += 1
        return self.epochs != self.diverge_at

    async def do_train(self) -> None:
        outcome, self.frames = await self.training_run.train(
            self.one_epoch, lambda: self.epochs >= self.goal, lambda: None, self.frame_seconds, every=10)
        self.training_run.end(outcome)

    async def do_stop(self) -> None:
        self.training_run.stop()

    async def do_reset(self) -> None:
        await self.training_run.halt()
        self.param.update(status="idle")
        self.epochs = 0


def test_the_table_gives_url_names_labels_and_locks() -> None:
    assert url_names(Toy) == Toy.url_names == {"r": "rate", "n": "size"}
    assert Toy.param.size.label == "Size" and knobs(Toy)["size"] == Knob(
        "n", "Size", restarts=True, locked_in={"done": "Done; reset first."})
    toy = Toy()
    assert toy.locked() == {}
    toy.status = "training"
    assert toy.locked() == {"size": TRAINING_REASON}  # the live rate stays free
    toy.status = "done"
    assert toy.locked() == {"size": "Done; reset first."}


def test_a_knob_marked_restarts_restarts_the_run_once_per_change() -> None:
    toy = Toy()
    toy.rate = 0.5
    assert toy.restarts == 0
    toy.param.update(size=4, rate=0.2)
    assert toy.restarts == 1


def test_two_knobs_with_one_key_or_an_unknown_widget_are_refused() -> None:
    class Clash(Lesson):
        a = knob(param.Number(0.0, doc="a"), key="k", label="A")
        b = knob(param.Number(0.0, doc="b"), key="k", label="B")

    with pytest.raises(ValueError, match="share the URL key 'k'"):
        url_names(Clash)
    with pytest.raises(ValueError, match="widget 'dial'"):
        knob(param.Number(0.0), key="x", label="X", widget="dial")


def test_a_run_trains_to_its_goal_in_frames_of_every_epochs() -> None:
    toy = Toy()
    run(toy.run("train"))
    assert (toy.status, toy.epochs, toy.frames) == ("done", 50, 6)


def test_a_run_that_diverges_says_so() -> None:
    toy = Toy()
    toy.diverge_at = 7
    run(toy.run("train"))
    assert (toy.status, toy.epochs) == ("diverged", 7)


def test_stop_wakes_a_resting_run_at_once_and_reset_waits_for_it() -> None:
    toy = Toy()
    toy.goal, toy.frame_seconds = 10**9, 60.0

    async def scenario() -> float:
        began = time.perf_counter()
        training = asyncio.create_task(toy.run("train"))
        await asyncio.sleep(0.05)
        assert toy.status == "training" and toy.locked() == {"size": TRAINING_REASON}
        await toy.run("reset")  # Stop, wait for the loop to let go, then reset
        assert training.done() and toy.status == "idle"
        return time.perf_counter() - began

    assert run(scenario()) < 5  # not the 60 seconds the run rests between frames


def test_a_run_that_fails_half_way_is_left_stopped() -> None:
    toy = Toy()

    def broken() -> bool:
        raise RuntimeError("the knob fell off")

    toy.one_epoch = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        run(toy.run("train"))
    assert toy.status == "stopped" and toy.locked() == {}
    toy.status = "idle"
    toy.training_run.step(lambda: True, lambda: None)
    assert toy.status == "stopped"


def test_an_action_waits_its_turn_and_drops_out_when_stop_comes_meanwhile() -> None:
    toy = Toy()
    toy.goal, toy.frame_seconds = 10**9, 60.0

    async def scenario() -> tuple[bool, bool, bool]:
        assert await toy.training_run.wait_turn()  # nothing runs: at once
        training = asyncio.create_task(toy.run("train"))
        await asyncio.sleep(0.05)
        waiting = asyncio.create_task(toy.training_run.wait_turn())
        await asyncio.sleep(0.05)
        still_waiting = not waiting.done()
        await toy.run("stop")
        await training
        dropped = not await waiting
        # A Stop pressed before the wait began does not count against it.
        again = asyncio.create_task(toy.run("train"))
        await asyncio.sleep(0.05)
        toy.training_run.stop()
        turn = asyncio.create_task(toy.training_run.wait_turn())
        await again
        return still_waiting, dropped, await turn

    assert run(scenario()) == (True, True, True)


class Dial(Part):
    """A part of a lesson with a knob, a run and a refusal of its own."""

    turns = knob(param.Integer(1, bounds=(0, 9), doc="How many turns."), key="dturns", label="Turns",
                 restarts=True)
    speed = knob(param.Number(0.5, bounds=(0.0, 1.0), doc="How fast."), key="dspeed", label="Speed",
                 live=True)
    status = param.Selector(default="idle", objects=["idle", "training", "stopped", "done", "diverged"])

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.training_run = TrainingRun(self, lock_reason="The dial turns.")
        self.restarts = 0

    def restart(self) -> None:
        self.restarts += 1

    def check_together(self, values: dict[str, object]) -> list[str]:
        if values.get("turns") == 0 and values.get("speed", self.speed) > 0:
            del values["turns"]
            return ["No turns at this speed."]
        return []


class Parted(Toy):
    parts: ClassVar[dict[str, type[Part]]] = {"dial": Dial}


def test_a_parts_knobs_join_the_link_the_locks_and_the_notices_under_its_name() -> None:
    assert Parted.url_names == {"r": "rate", "n": "size", "dturns": "dial.turns", "dspeed": "dial.speed"}
    lesson = Parted(dial={"turns": 3})
    assert lesson.dial.turns == 3
    assert lesson.settings() == {"r": "0.1", "n": "3", "dturns": "3", "dspeed": "0.5"}
    assert lesson.apply({"dturns": "4", "n": "5"}) == [] and (lesson.dial.turns, lesson.size) == (4, 5)
    assert lesson.dial.restarts == 1 and lesson.restarts == 1
    assert lesson.apply({"dturns": "0"}) == ["No turns at this speed."] and lesson.dial.turns == 4
    assert lesson.apply({"dturns": "10"}) == ["Ignored dturns='10': it is outside the range 0 to 9; kept 4."]
    lesson.dial.status = "training"
    assert lesson.locked() == {"dial.turns": "The dial turns."}
    assert lesson.apply({"dturns": "2", "dspeed": "0.25", "n": "2"}) == ["The dial turns."]
    assert (lesson.dial.turns, lesson.dial.speed, lesson.size) == (4, 0.25, 2)
    lesson.recover()
    assert lesson.dial.status == "stopped"
    lesson.dial.notices = ["Said by the dial."]
    assert lesson.notices == ["Said by the dial."]
    changed: list[str] = []
    lesson.watch_settings(lambda *events: changed.extend(event.name for event in events))
    lesson.dial.speed = 0.75
    lesson.rate = 0.3
    assert changed == ["speed", "rate"]
