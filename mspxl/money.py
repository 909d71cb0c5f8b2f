"""Money: Decimal from the moment a cell is read, rounded half-up to cents per line.

One written rule for making money values (`to_decimal`), `ZERO` as a named constant, and `cents` for every rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class NotANumber(ValueError):
    """A cell that should hold a number holds something else."""


def to_decimal(value: object) -> Decimal:
    """Turn a cell value into a Decimal without float arithmetic.

    A float cell becomes `Decimal(str(value))`, so 0.1 stays 0.1. Text is accepted when it is a plain number
    (surrounding spaces allowed); `1,250.00` and currency symbols are refused, since they are text an accountant
    typed where a number belongs.
    """
    if isinstance(value, bool):
        raise NotANumber(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # float-ok: NaN / inf check only
            raise NotANumber(repr(value))
        if value.is_integer():
            return Decimal(int(value))  # 4.0 from a number cell is the integer 4, as Excel shows it
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip()
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise NotANumber(value) from exc
        if not result.is_finite():
            raise NotANumber(value)
        return result
    raise NotANumber(repr(value))


def cents(amount: Decimal) -> Decimal:
    """Round half-up to the currency's minor unit (cents)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line amount is quantity x unit price, rounded half-up to cents."""
    return cents(quantity * unit_price)


def plain(amount: Decimal) -> str:
    """A fixed-point string of an amount (no exponent), for JSON and messages."""
    return format(amount, "f")
