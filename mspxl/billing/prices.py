"""Prices with effective dates (the Price Changes sheet).

A Price Changes row gives a service's Unit Price from the first day of its Effective From month, for one client or
(Client ID blank) for every client. The Services sheet's Unit Price is the price before the service's first change.
"""

from __future__ import annotations

from decimal import Decimal

from mspxl.billing.calendar import first_day
from mspxl.records import Book, PriceChange, Service, Subscription


def latest_change(book: Book, service_code: str, client_id: str, period: str) -> PriceChange | None:
    """The latest Price Changes row of the service for the client (client_id "": for every client) whose Effective
    From is on or before `period`: the one in effect on the period's first day."""
    in_effect = [c for c in book.price_history.get((service_code, client_id), ()) if c.effective_from <= period]
    return in_effect[-1] if in_effect else None


def catalogue_price(book: Book, service: Service, period: str) -> Decimal:
    """The catalogue price on the period's first day: the latest every-client change in effect, else the Services
    Unit Price."""
    change = latest_change(book, service.code, "", period)
    return change.unit_price if change is not None else service.unit_price


def own_price(book: Book, client_id: str, service: Service, period: str,
              subscription: Subscription | None = None) -> Decimal | None:
    """The client's own price for the service on the period's first day, None when the catalogue's applies: a
    Subscriptions Unit Price overrides the catalogue, and a client-specific change in effect overrides the
    Subscriptions Unit Price when it takes effect on or after the subscription's Start Date (a later change wins;
    a subscription row started after the change keeps its own price)."""
    change = latest_change(book, service.code, client_id, period) if client_id else None
    sub_price = subscription.unit_price if subscription is not None else None
    if change is None:
        return sub_price
    if sub_price is None or subscription is None or first_day(change.effective_from) >= subscription.start_date:
        return change.unit_price
    return sub_price


def price_in_effect(book: Book, client_id: str, service: Service, period: str,
                    subscription: Subscription | None = None) -> Decimal:
    """An invoice for month M uses the price in effect on M's first day: the client's own price (`own_price`), else
    the catalogue's (`catalogue_price`). A reissue of an old month is billed at that month's prices."""
    own = own_price(book, client_id, service, period, subscription)
    return own if own is not None else catalogue_price(book, service, period)
