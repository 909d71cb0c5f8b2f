"""An annual price increase as Price Changes rows (`mspxl reprice`): every price in effect raised by a percentage
from a month, each row once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from mspxl.billing.calendar import add_months, invoice_date
from mspxl.billing.prices import catalogue_price, latest_change, own_price, price_in_effect
from mspxl.money import CENT
from mspxl.records import Book, Service, Subscription


@dataclass(frozen=True)
class PriceIncrease:
    """One Price Changes row of an increase: the service, the client ("" for every client), the price in effect
    before it and the new one. `existing_row` is the sheet row already holding a price for that service, client and
    month (the row is then not written again)."""

    service_code: str
    client_id: str
    old_price: Decimal
    new_price: Decimal
    existing_row: int = 0


def increased(price: Decimal, percent: Decimal) -> Decimal:
    """The price raised by `percent`, rounded half-up to cents; a price quoted finer than cents (0.035 a GB) keeps
    its own decimal places, so a small unit price is not pushed a whole cent."""
    quantum = min(CENT, Decimal(1).scaleb(price.normalize().as_tuple().exponent))  # type: ignore[arg-type]
    return (price * (100 + percent) / 100).quantize(quantum, rounding=ROUND_HALF_UP)


def _priced_subscription(book: Book, client_id: str, service: Service, period: str) -> Subscription | None:
    """The client's subscription of the service in force in the month (one with its own Unit Price first)."""
    cutoff = invoice_date(period, book.settings)
    subs = [s for s in book.of_client(client_id, "subscriptions") if s.service_code == service.code
            and s.in_force(cutoff)]
    priced = [s for s in subs if s.unit_price is not None]
    return (priced or subs or [None])[-1]


def _client_prices(book: Book, service: Service, start: str, client_id: str | None
                   ) -> Iterator[tuple[str, Decimal]]:
    """(client, price) of each client to raise: with `client_id`, that client's price in effect (its own, else the
    catalogue's); without, every active client paying a price of its own (the catalogue row raises the others)."""
    ids = [client_id] if client_id else [c.id for c in book.clients if c.status == "active"]
    for cid in ids:
        sub = _priced_subscription(book, cid, service, start)
        if sub is None and latest_change(book, service.code, cid, start) is None:
            continue  # the client does not take the service
        own = own_price(book, cid, service, start, sub)
        if own is not None:
            yield cid, own
        elif client_id and service.code not in book.tiers:
            yield cid, catalogue_price(book, service, start)


def price_increases(book: Book, percent: Decimal, start: str, service_code: str | None = None,
                    client_id: str | None = None) -> tuple[list[PriceIncrease], list[str]]:
    """The rows of a `percent` increase from month `start`, and what is left out (services priced by tiers, a price
    the increase rounds back to itself). Each row's
    old price is the one in effect in `start` as the sheet stands; a row whose service, client and month are
    already on the sheet is reported with the price it holds, never written twice (a re-run adds nothing)."""
    services = [book.services[service_code]] if service_code else sorted(book.services.values(),
                                                                         key=lambda s: s.code)
    rows: list[PriceIncrease] = []
    left_out: list[str] = []
    for service in services:
        targets: list[tuple[str, Decimal]] = []
        if client_id is None:
            if service.code in book.tiers:
                left_out.append(f"{service.code} is priced by its Tiers rows: change them by hand")
            else:
                targets.append(("", catalogue_price(book, service, start)))
        targets.extend(_client_prices(book, service, start, client_id))
        for cid, price in targets:
            row = _row(book, service, cid, start, price, percent)
            if row.new_price == row.old_price and not row.existing_row:
                left_out.append(f"{service.code} for {cid or 'every client'} at {price} rounds back to the same "
                                "price")
            else:
                rows.append(row)
    return rows, left_out


def _row(book: Book, service: Service, client_id: str, start: str, price: Decimal, percent: Decimal
         ) -> PriceIncrease:
    there = [c for c in book.price_history.get((service.code, client_id), ()) if c.effective_from == start]
    if there:  # already written (by an earlier run): the price before it, and the row's own
        before = price_in_effect(book, client_id, service, add_months(start, -1),
                                 _priced_subscription(book, client_id, service, start))
        return PriceIncrease(service.code, client_id, before, there[0].unit_price, there[0].row)
    return PriceIncrease(service.code, client_id, price, increased(price, percent))
