"""The shape of the lessons (docs DESIGN §2), checked over every lesson of the registry.

A lesson is a package `faders.lessons.<slug>` (state, view, words, preview); imports run one way,
view → state → kit/core; no lesson imports another; nothing outside a lesson imports its view; every
knob comes from its one declaration (kit.knobs.knob) and comes back the same through a link.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import param
import pytest

from faders.lessons import LESSON_CLASSES, lesson_class
from faders.lessons.kit.knobs import all_knobs, knob_of, knobs, owner_of, url_names
from faders.lessons.kit.run import RUNNING

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "py" / "faders" / "lessons"
# Lessons still written as flat modules (lessons/<slug>.py and <slug>_view.py), to be made packages.
# Take a lesson off this list when it becomes a package: every check below then covers it.
NOT_YET_PACKAGES: set[str] = set()
PACKAGES = sorted(set(LESSON_CLASSES) - NOT_YET_PACKAGES)
PACKAGE_MODULES = ("state", "view", "words", "preview")


def package(slug: str) -> str:
    """The package name of a lesson: its slug as a Python name ("bias-variance" -> bias_variance)."""
    return slug.replace("-", "_")


def python_files() -> list[Path]:
    """Every Python file of the project: the package, the tools, the tests, the build script."""
    files = [ROOT / "build.py"]
    for folder in ("py", "tools", "tests"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def imported_modules(path: Path) -> set[str]:
    """The absolute names of every module `path` imports (`from a import b` counts a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT / "py").with_suffix("").parts[:-1]) \
        if path.is_relative_to(ROOT / "py") else ""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def lesson_of(module: str) -> str | None:
    """The lesson slug a module name belongs to (faders.lessons.<slug>…), None for the kit and others."""
    parts = module.split(".")
    if parts[:2] != ["faders", "lessons"] or len(parts) < 3 or parts[2] == "kit":
        return None
    return parts[2].removesuffix("_view").replace("_", "-")


def parameter_of(cls: type[param.Parameterized], name: str) -> param.Parameter:
    """The parameter a knob's name stands for: the lesson's own, or one of its parts' ("part.knob")."""
    *path, own = name.split(".")
    for part in path:
        cls = cls.parts[part]  # type: ignore[attr-defined]
    return cls.param[own]


def test_converted_lessons_are_packages_and_the_others_are_listed() -> None:
    assert PACKAGES, "no lesson is a package yet"
    for slug in LESSON_CLASSES:
        is_package = (LESSONS_DIR / package(slug) / "__init__.py").exists()
        assert is_package == (slug not in NOT_YET_PACKAGES), slug


@pytest.mark.parametrize("slug", PACKAGES)
def test_a_lesson_package_holds_state_view_words_and_preview(slug: str) -> None:
    for name in PACKAGE_MODULES:
        assert (LESSONS_DIR / package(slug) / f"{name}.py").exists(), f"{slug}/{name}.py"
    assert lesson_class(slug).__module__ == f"faders.lessons.{package(slug)}.state"
    assert callable(importlib.import_module(f"faders.lessons.{package(slug)}.preview").picture)


@pytest.mark.parametrize("slug", PACKAGES)
def test_no_lesson_package_imports_another_lesson(slug: str) -> None:
    for path in sorted((LESSONS_DIR / package(slug)).rglob("*.py")):
        others = {lesson_of(module) for module in imported_modules(path)} - {None, slug}
        assert not others, f"{path.relative_to(ROOT)} imports lesson(s) {sorted(others)}"


@pytest.mark.parametrize("slug", PACKAGES)
def test_imports_run_one_way_view_then_state_then_kit(slug: str) -> None:
    own = f"faders.lessons.{package(slug)}"
    below = {"state": {"view", "preview"}, "words": {"view", "state", "preview"},
             "preview": {"view"}, "__init__": {"view", "preview"}}
    for name, forbidden in below.items():
        imported = imported_modules(LESSONS_DIR / package(slug) / f"{name}.py")
        wrong = sorted(m for m in imported if any(m == f"{own}.{f}" for f in forbidden))
        assert not wrong, f"{slug}/{name}.py imports {wrong}"
        ui = sorted(m for m in imported if m.split(".")[0] in ("panel", "bokeh"))
        assert not ui, f"{slug}/{name}.py imports the page's libraries {ui}: they belong in view.py"


def test_no_view_is_imported_outside_its_own_package() -> None:
    for path in python_files():
        for module in imported_modules(path):
            slug = lesson_of(module)
            if slug in PACKAGES and module == f"faders.lessons.{package(slug)}.view":
                assert path.is_relative_to(LESSONS_DIR / package(slug)), \
                    f"{path.relative_to(ROOT)} imports {module}"


@pytest.mark.parametrize("slug", PACKAGES)
def test_every_knob_comes_from_its_one_declaration(slug: str) -> None:
    cls = lesson_class(slug)
    assert "url_names" not in vars(cls), f"{slug} lists url_names by hand"
    table = all_knobs(cls)  # its parts' knobs too
    assert table and cls.url_names == url_names(cls)
    assert set(cls.url_names.values()) == set(table)
    for name, spec in table.items():
        parameter = parameter_of(cls, name)
        assert parameter.label == spec.label and parameter.doc, f"{slug}.{name}: label and help"


@pytest.mark.parametrize("slug", PACKAGES)
def test_the_widgets_are_made_from_the_knobs(slug: str) -> None:
    from faders.lessons.kit.widgets import knob_widgets

    lesson = lesson_class(slug)()
    for owner in [lesson, *(part for _, part in lesson.part_list())]:
        for name, widget in knob_widgets(owner).items():
            assert widget.name == knobs(owner)[name].label


def trained_lessons() -> list[str]:
    """The lessons that train (have a training run); the others have nothing to lock."""
    return [slug for slug in PACKAGES if lesson_class(slug)().training_run is not None]


@pytest.mark.parametrize("slug", trained_lessons())
def test_a_running_lesson_locks_exactly_its_knobs_that_are_not_live(slug: str) -> None:
    lesson = lesson_class(slug)()
    running = next(s for s in RUNNING if s in lesson.param[lesson.training_run.status_name].objects)
    lesson.training_run.status = running
    assert set(lesson.locked()) == {name for name, spec in knobs(lesson).items() if not spec.live}
    lesson.training_run.status = lesson.param[lesson.training_run.status_name].default
    for part_name, part in lesson.part_list():  # a part's run locks the part's knobs alone
        part.training_run.status = "training"
        assert set(lesson.locked()) == {f"{part_name}.{name}" for name, spec in knobs(part).items()
                                        if not spec.live}
        part.training_run.status = "idle"


def other_values(parameter: param.Parameter, value: object) -> Iterator[object]:
    """Valid values of the knob other than `value`, nearest first (the same one for list knobs)."""
    if isinstance(parameter, param.Boolean):
        yield not value
    elif isinstance(parameter, param.Selector):
        yield from (o for o in parameter.objects if o != value)
    elif isinstance(parameter, param.Number):
        low, high = parameter.bounds or (None, None)
        step = 1 if isinstance(parameter, param.Integer) else 0.125
        for steps in range(1, 100):
            for candidate in (value + steps * step, value - steps * step):  # type: ignore[operator]
                if (low is None or candidate >= low) and (high is None or candidate <= high):
                    yield candidate
    else:
        yield value


def knob_cases() -> list[tuple[str, str]]:
    return [(slug, name) for slug in PACKAGES for name in all_knobs(lesson_class(slug))]


@pytest.mark.parametrize(("slug", "name"), knob_cases())
def test_each_knob_comes_back_the_same_through_a_link(slug: str, name: str) -> None:
    cls = lesson_class(slug)
    turned = cls()
    owner, knob_name = owner_of(turned, name)
    for changed in other_values(parameter_of(cls, name), getattr(owner, knob_name)):
        setattr(owner, knob_name, changed)
        if getattr(owner, knob_name) == changed:
            break  # the lesson kept it (scale turns back a width its heads do not divide)
    link = turned.settings()
    assert knob_of(parameter_of(cls, name)).key in link
    opened = cls()
    assert opened.apply(link) == []
    assert opened.settings() == link
    assert getattr(*owner_of(opened, name)) == getattr(*owner_of(turned, name))
