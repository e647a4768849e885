"""Bokeh works out a property's default afresh every time a model's unset property is read: it copies
the declared default, applies the class's overrides and validates the result. Drawing a lesson reads
about ten thousand of them (building the models, then serialising the document), which made that
the largest single cost of a page's first render.

`remember_plain_defaults()` makes each property remember, per model class, a default that is a plain
immutable value (None, a bool, a number, a string): the value it would work out again is the same
one. Defaults that Bokeh itself treats as per-instance (containers, models, functions) and defaults a
theme provides are left to Bokeh, unchanged. It also makes the theme check that comes with every
such read a dictionary lookup: Bokeh asks for an attribute that a model without a theme lacks, and
pays for a raised and caught AttributeError each time. Documents come out byte for byte the same
(tests/test_bokeh_defaults.py).
"""

from __future__ import annotations

from typing import Any

from bokeh.core.has_props import HasProps
from bokeh.core.property.descriptors import PropertyDescriptor

PLAIN = (type(None), bool, int, float, str)
_installed = False


def remember_plain_defaults() -> None:
    """Install the remembering, once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    work_out_default = PropertyDescriptor.instance_default
    work_out_unstable = PropertyDescriptor.has_unstable_default

    # Whether a class's default for a property changes per instance depends on the property and the
    # class's overrides alone, both fixed once the class exists.
    def has_unstable_default(self: PropertyDescriptor[Any], obj: Any) -> bool:
        known = self.__dict__.setdefault("_unstable_by_class", {})
        cls = type(obj)
        if cls not in known:
            known[cls] = work_out_unstable(self, obj)
        return known[cls]

    def instance_default(self: PropertyDescriptor[Any], obj: Any) -> Any:
        themed = obj.themed_values()
        if themed is not None and self.name in themed:
            return work_out_default(self, obj)  # a theme's value: Bokeh's to give
        remembered = self.__dict__.setdefault("_plain_default_by_class", {})
        cls = type(obj)
        if cls in remembered:
            return remembered[cls]
        value = work_out_default(self, obj)
        if type(value) in PLAIN and not has_unstable_default(self, obj):
            remembered[cls] = value
        return value

    # Bokeh's apply_theme() keeps a model's theme values in its instance dictionary, under this name,
    # and deletes them there when the theme goes.
    def themed_values(self: HasProps) -> dict[str, Any] | None:
        return self.__dict__.get("__themed_values__")

    HasProps.themed_values = themed_values  # type: ignore[method-assign]
    PropertyDescriptor.has_unstable_default = has_unstable_default  # type: ignore[method-assign]
    PropertyDescriptor.instance_default = instance_default  # type: ignore[method-assign]
