"""Collections: allocation of payments, retry fees, client states, aging and next actions, as pure functions.

`run_collections` is the entry point; `client_balance` and `statement_lines` serve statements of account.
"""

from mspxl.collections.engine import run_collections
from mspxl.collections.model import (
    AgingRow,
    ClientStatus,
    CollectionsResult,
    ServiceDeskItem,
    StateEvent,
    StatementLine,
)
from mspxl.collections.statement import client_balance, statement_lines
from mspxl.collections.states import STATES

__all__ = [
    "STATES",
    "AgingRow",
    "ClientStatus",
    "CollectionsResult",
    "ServiceDeskItem",
    "StateEvent",
    "StatementLine",
    "client_balance",
    "run_collections",
    "statement_lines",
]
