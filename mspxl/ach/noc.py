"""Notifications of change (NOC): the client's bank telling the MSP that a debit went through, but with bank details
that must be corrected before the next one.

A NOC is recorded as the bank sent it, never applied to the Clients sheet: the accountant updates the client's bank
details (the bank's words, not mspxl's, are what changes an account number). The corrected data's layout per change
code is the NACHA Operating Rules' (Appendix Five, Addenda Type 98).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mspxl.ach.routing import mask

# change code -> what the bank corrected
CHANGE_CODES: dict[str, str] = {
    "C01": "account number",
    "C02": "routing number",
    "C03": "routing number and account number",
    "C04": "account holder's name",
    "C05": "transaction code (checking or savings)",
    "C06": "account number and transaction code",
    "C07": "routing number, account number and transaction code",
    "C08": "receiving bank identification (international)",
    "C09": "individual identification number",
    "C10": "company name",
    "C11": "company identification",
    "C12": "company name and company identification",
    "C13": "addenda format",
    "C14": "SEC code for an international payment",
}
REFUSED_CHANGE = range(61, 70)  # C61-C69: a bank refusing a NOC it received


def is_change_code(code: str) -> bool:
    return code in CHANGE_CODES or (code[:1] == "C" and code[1:].isdigit() and int(code[1:]) in REFUSED_CHANGE)


@dataclass(frozen=True)
class ChangeNotice:
    """One NOC: the trace number of the debit it is about, the change code, the corrected data as the bank wrote it,
    the date it came with, the account holder's name, and the line of its addenda."""

    original_trace: str
    code: str
    corrected: str
    received: date
    name: str
    line: int

    @property
    def what(self) -> str:
        return CHANGE_CODES.get(self.code, "a refused notification of change")

    def fields(self) -> dict[str, str]:
        """The corrected values by name (`routing`, `account`, `transaction code`, `name`, ...), cut from the
        corrected data where the change code puts them."""
        data = self.corrected.ljust(29)
        cut = {
            "C01": {"account": data[0:17]},
            "C02": {"routing": data[0:9]},
            "C03": {"routing": data[0:9], "account": data[12:29]},
            "C04": {"name": data[0:22]},
            "C05": {"transaction code": data[0:2]},
            "C06": {"account": data[0:17], "transaction code": data[20:22]},
            "C07": {"routing": data[0:9], "account": data[9:26], "transaction code": data[26:28]},
        }.get(self.code, {"corrected data": data})
        return {name: value.strip() for name, value in cut.items() if value.strip()}

    def describe(self, masked: bool = True) -> str:
        """`C01 account number: ****1614`: what the bank corrected and to what (account numbers masked)."""
        fields = self.fields()
        shown = {name: mask(value) if masked and name == "account" else value for name, value in fields.items()}
        if len(shown) == 1:
            return f"{self.code} {self.what}: {next(iter(shown.values()))}"
        return f"{self.code} {self.what}: " + ", ".join(f"{name} {value}" for name, value in shown.items())
