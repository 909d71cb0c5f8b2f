"""Prepaid blocks of support hours (the Blocks sheet).

A block's purchase is billed once, in arrears like work: the run for month M bills the blocks bought up to the end
of M-1, on the client's service invoice. Billable WorkLog hours of the client draw the oldest unexpired block down
first and are billed at 0.00 ("from block B1: 3.5 h, 6.5 h left"); hours beyond the blocks are billed at the rate;
hours left on an expired block are reported, not billed.

A block's balance is not kept in a cell: it is worked out again from the WorkLog rows already invoiced, in the order
they were billed (register order, then date and row), so it can never disagree with the invoices.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from mspxl.billing.calendar import add_months, last_day
from mspxl.money import line_amount
from mspxl.records import Block, Book, Client, InvoiceLine, Settings, WorkEntry

ZERO_HOURS = Decimal(0)


@dataclass(frozen=True)
class Draw:
    """Hours of one WorkLog row taken from one block, and what the block has left after them."""

    block_id: str
    hours: Decimal
    left: Decimal


@dataclass
class BlockLedger:
    """The client's blocks with the hours left on each, drawn down row by row."""

    blocks: list[Block]
    left: dict[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.blocks = sorted(self.blocks, key=lambda b: (b.purchased_on, b.row))
        self.left = {b.block_id: b.hours for b in self.blocks}

    def draw(self, day: date, hours: Decimal) -> tuple[list[Draw], Decimal]:
        """Billable hours of a row draw the oldest unexpired block down first; returns the draws and the hours no
        block covers."""
        draws = []
        for block in self.blocks:
            if hours <= 0:
                break
            if not usable_on(block, day) or self.left[block.block_id] <= 0:
                continue
            taken = min(hours, self.left[block.block_id])
            self.left[block.block_id] -= taken
            hours -= taken
            draws.append(Draw(block.block_id, taken, self.left[block.block_id]))
        return draws, hours


def usable_on(block: Block, day: date) -> bool:
    """A block covers work done on or after its purchase and up to its Expires On (blank: never expires)."""
    return block.purchased_on <= day and (block.expires_on is None or day <= block.expires_on)


def blocks_to_bill(book: Book, client: Client, period: str) -> list[Block]:
    """The run for month M bills the blocks bought up to the end of M-1 that no earlier invoice billed."""
    end = last_day(add_months(period, -1))
    return [b for b in book.of_client(client.id, "blocks") if not b.invoice_number and b.purchased_on <= end]


def block_purchase_line(block: Block, settings: Settings, section: str = "") -> InvoiceLine:
    """The purchase of a block: one line at its price, taxed as labor is."""
    until = f", valid until {block.expires_on.isoformat()}" if block.expires_on else ""
    text = f"Prepaid support hours, block {block.block_id}: {_hours(block.hours)} h{until}"
    return InvoiceLine(0, "BLOCK", text, Decimal(1), block.price, line_amount(Decimal(1), block.price),
                       settings.tax_labor, "block", section)


def billing_order(book: Book, rows: Iterable[WorkEntry]) -> list[WorkEntry]:
    """WorkLog rows in the order they were billed: by their invoice's place in the register, then date and row."""
    place = {inv.number: i for i, inv in enumerate(book.invoices)}
    return sorted(rows, key=lambda w: (place.get(w.invoice_number, len(place)), w.date, w.row))


def ledger_before_run(book: Book, client: Client, on: date | None = None) -> BlockLedger:
    """The client's blocks as the invoices already issued (on or before `on`, when given) left them."""
    ledger = BlockLedger(list(book.of_client(client.id, "blocks")))
    issued = {inv.number for inv in book.of_client(client.id, "invoices") if on is None or inv.issue_date <= on}
    done = [w for w in book.of_client(client.id, "work") if w.billable and w.invoice_number in issued]
    for row in billing_order(book, done):
        ledger.draw(row.date, row.hours)
    return ledger


def expired_unused(ledger: BlockLedger, on: date) -> list[tuple[Block, Decimal]]:
    """Blocks expired before `on` with hours left: reported, not billed."""
    return [(b, ledger.left[b.block_id]) for b in ledger.blocks
            if b.expires_on is not None and b.expires_on < on and ledger.left[b.block_id] > 0]


def block_balances(ledger: BlockLedger, on: date) -> list[tuple[Block, Decimal]]:
    """Blocks with hours left that are still usable on `on` (or bought later), for the client's documents."""
    return [(b, ledger.left[b.block_id]) for b in ledger.blocks
            if ledger.left[b.block_id] > 0 and (usable_on(b, on) or b.purchased_on > on)]


DRAWN_FROM = ": from block "  # a work line's hours drawn from a prepaid block: `<work line>: from block B1: 2 h, ...`


def drawn_line(draw: Draw, line: InvoiceLine) -> InvoiceLine:
    """Hours from a block, billed at 0.00, saying which block and what it has left."""
    text = f"{line.description}{DRAWN_FROM}{draw.block_id}: {_hours(draw.hours)} h, {_hours(draw.left)} h left"
    return replace(line, description=text, quantity=draw.hours, unit_price=Decimal("0.00"), amount=Decimal("0.00"))


def _hours(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def prepaid_hours_on(book: Book, client: Client, on: date) -> str:
    """The client's prepaid hours left as its invoices issued by `on` drew them, for its statement."""
    if not book.of_client(client.id, "blocks"):
        return ""
    return blocks_text(block_balances(ledger_before_run(book, client, on), on))


def prepaid_hours_left(book: Book, client: Client, on: date) -> Decimal:
    """The client's prepaid hours left on `on`, all usable blocks together, for the monthly summary."""
    if not book.of_client(client.id, "blocks"):
        return ZERO_HOURS
    balances = block_balances(ledger_before_run(book, client, on), on)
    return sum((left for _, left in balances), start=ZERO_HOURS)


def blocks_text(balances: Sequence[tuple[Block, Decimal]]) -> str:
    """`B1: 6.5 h left; B2: 10 h left (until 2027-06-30)`: the client's prepaid hours, for documents."""
    parts = []
    for block, left in balances:
        until = f" (until {block.expires_on.isoformat()})" if block.expires_on else ""
        parts.append(f"{block.block_id}: {_hours(left)} h left{until}")
    return "; ".join(parts)
