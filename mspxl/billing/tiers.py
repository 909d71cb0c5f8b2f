"""Volume tiers: per-user, per-device and flat prices that fall with the quantity billed.

A service with rows on the Tiers sheet ignores its catalogue Unit Price (a client's Subscriptions Unit Price still
wins for that client). Its Tier Mode says how the bands apply:

- `graduated`: each band at its own price, one invoice line per band used
  (30 users over "1-10 $125, 11-25 $115, 26+ $105": 10 x 125 + 15 x 115 + 5 x 105);
- `volume`: the whole quantity at the price of the band it reaches (30 users: 30 x 105).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mspxl.records import Tier

TIER_MODES = ("graduated", "volume")


@dataclass(frozen=True)
class Band:
    """The part of a quantity that falls in one tier: units `first`..`last` (`last` None: open-ended) at `price`."""

    first: int
    last: int | None
    quantity: Decimal
    price: Decimal

    @property
    def label(self) -> str:
        """`1-10`, `26+`."""
        return f"{self.first}+" if self.last is None else f"{self.first}-{self.last}"


def ordered_tiers(tiers: Sequence[Tier]) -> list[Tier]:
    """A service's tiers from the lowest From Qty up."""
    return sorted(tiers, key=lambda t: t.from_qty)


def _bounds(tiers: Sequence[Tier]) -> list[tuple[Tier, int | None]]:
    ordered = ordered_tiers(tiers)
    return [(tier, int(ordered[i + 1].from_qty) - 1 if i + 1 < len(ordered) else None)
            for i, tier in enumerate(ordered)]


def graduated_bands(tiers: Sequence[Tier], quantity: Decimal) -> list[Band]:
    """graduated: each band at its own price; only the bands the quantity reaches are used."""
    bands = []
    for tier, last in _bounds(tiers):
        if quantity < tier.from_qty:
            break
        top = quantity if last is None else min(quantity, Decimal(last))
        bands.append(Band(int(tier.from_qty), last, top - tier.from_qty + 1, tier.unit_price))
    return bands


def volume_band(tiers: Sequence[Tier], quantity: Decimal) -> Band:
    """volume: the whole quantity at the price of the band it reaches (below the first band: the first band's
    price)."""
    reached = [(tier, last) for tier, last in _bounds(tiers) if quantity >= tier.from_qty]
    tier, last = reached[-1] if reached else _bounds(tiers)[0]
    return Band(int(tier.from_qty), last, quantity, tier.unit_price)


def tier_bands(tiers: Sequence[Tier], mode: str, quantity: Decimal) -> list[Band]:
    """The bands a quantity is billed in under the service's Tier Mode; a quantity of 0 is one empty band at the
    first price, so the line still shows."""
    if mode == "graduated" and quantity > 0:
        return graduated_bands(tiers, quantity)
    return [volume_band(tiers, quantity)]


def bands_text(tiers: Sequence[Tier], mode: str) -> str:
    """The price sheet in words, for the line description: `tiers 1-10 125.00, 11-25 115.00, 26+ 105.00`."""
    bands = [Band(int(t.from_qty), last, Decimal(0), t.unit_price) for t, last in _bounds(tiers)]
    return f"{mode} tiers " + ", ".join(f"{b.label} {b.price:.2f}" for b in bands)
