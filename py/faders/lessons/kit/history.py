"""A training run's losses epoch by epoch, in bounded memory however long the run goes."""

from __future__ import annotations

from collections.abc import Iterator

# A loss curve's most points: a smooth line across a chart, and few enough to send with every frame.
CURVE_POINTS = 400


class LossHistory[Row: tuple]:
    """Rows (epoch, losses…) appended one per epoch from epoch 0; at most `limit` of them are kept.

    It keeps every `stride`-th row and the latest one. When that would make more than `limit` rows, every
    other kept row goes and the stride doubles: the rows stay evenly spaced from the first to the latest,
    and a run of any length holds at most `limit` of them (a long run trains for hours at hundreds of
    epochs a second, and its history is drawn and sent to the page with every frame).
    """

    def __init__(self, first: Row, limit: int = CURVE_POINTS) -> None:
        if limit < 3:
            raise ValueError(f"a history keeps at least 3 rows (first, one between, latest); got {limit}")
        self.limit = limit
        self.stride = 1  # rows number 0, stride, 2·stride, … are kept
        self._kept: list[Row] = [first]
        self._latest = first
        self._count = 1  # rows appended so far, the first included

    def append(self, row: Row) -> None:
        """Record the next epoch's row."""
        if self._count % self.stride == 0:
            self._kept.append(row)
        self._latest = row
        self._count += 1
        if len(self) > self.limit:
            self._kept = self._kept[::2]
            self.stride *= 2

    @property
    def last(self) -> Row:
        """The latest row: how the run stands now."""
        return self._latest

    @property
    def count(self) -> int:
        """How many rows were appended, the first included (epochs trained + 1)."""
        return self._count

    def rows(self) -> list[Row]:
        """The kept rows, evenly spaced, first to latest."""
        return [*self._kept] if self._latest_on_stride() else [*self._kept, self._latest]

    def __len__(self) -> int:
        return len(self._kept) + (0 if self._latest_on_stride() else 1)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows())

    def _latest_on_stride(self) -> bool:
        return (self._count - 1) % self.stride == 0
