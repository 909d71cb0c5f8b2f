"""Counting users and devices for per-user and per-device services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from mspxl.records import Seat, Settings


def count_at_cutoff(seats: Iterable[Seat], client_id: str, cutoff: date, device_type: str = "") -> int:
    """A user (or device) counts on the invoice when Added On <= cutoff and (Removed On is blank or Removed On >
    cutoff), where the cutoff is that invoice's issue date. A user added after the cutoff appears on the next bill.
    A per-device service with a Device Type counts only devices of that type; without one, all the client's devices."""
    wanted = device_type.strip().lower()
    return sum(
        1
        for seat in seats
        if seat.client_id == client_id
        and seat.counts_at(cutoff)
        and (not wanted or seat.kind.strip().lower() == wanted)
    )


def is_true_down(periods: tuple[str, ...], settings: Settings) -> bool:
    """Decreases take effect only in a month listed in True-Down Months; a quarterly or annual invoice whose cycle
    contains a True-Down Month bills the actual count."""
    return any(int(p[5:7]) in settings.true_down_months for p in periods)


def billed_count(actual: int, previous: int | None, periods: tuple[str, ...], settings: Settings) -> int:
    """Decreases take effect only twice a year: in a True-Down Month the billed count is the actual count; in any
    other month it is max(actual count, billed count of the client's previous managed invoice). A client's first
    invoice (no previous count) bills the actual count."""
    if previous is None or is_true_down(periods, settings):
        return actual
    return max(actual, previous)
