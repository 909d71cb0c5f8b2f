"""The originator fields of the ACH file, from the Settings sheet.

Settings rows: Company ACH ID (the 10-character company identification the bank assigned), Originating Bank
Routing (the MSP's bank, which sends the debits), Originating Bank Name, Entry Description (10 characters shown on
the client's bank statement, default `MSP BILL`). The Company Name row names the originator.
"""

from __future__ import annotations

from mspxl.ach.nacha import Originator
from mspxl.ach.routing import routing_is_valid
from mspxl.records import Settings
from mspxl.schema import header_key

ORIGINATOR_SETTINGS = {  # Settings row -> records.Settings attribute, once the Settings record carries it
    "Company ACH ID": "company_ach_id",
    "Originating Bank Routing": "originating_bank_routing",
    "Originating Bank Name": "originating_bank_name",
    "Entry Description": "entry_description",
}
DEFAULT_ENTRY_DESCRIPTION = "MSP BILL"


class OriginatorIncomplete(ValueError):
    """A Settings row the ACH file needs is blank or wrong; `problems` names each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def setting(settings: Settings, name: str) -> str:
    """A Settings value by its row name: the record's attribute when it has one, else the row kept as extra."""
    value = getattr(settings, ORIGINATOR_SETTINGS.get(name, ""), None)
    if value is not None:
        return str(value).strip()
    wanted = header_key(name)
    for key, text in settings.extra.items():
        if header_key(key) == wanted:
            return _digits_text(text)
    return ""


def _digits_text(text: str) -> str:
    """A number cell read as text ("91000019.0") back to its digits."""
    text = text.strip()
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


def originator(settings: Settings) -> Originator:
    """The originator of the file, or OriginatorIncomplete naming every Settings row to fill in."""
    company_id = setting(settings, "Company ACH ID")
    routing = setting(settings, "Originating Bank Routing")
    if routing.isdigit() and len(routing) < 9:
        routing = routing.rjust(9, "0")  # a routing number typed as a number loses its leading zero
    bank_name = setting(settings, "Originating Bank Name")
    description = setting(settings, "Entry Description") or DEFAULT_ENTRY_DESCRIPTION
    problems = []
    if not company_id or len(company_id) > 10:
        problems.append("Settings Company ACH ID: the 10-character company ID your bank gave you is needed")
    if not routing_is_valid(routing):
        problems.append(f'Settings Originating Bank Routing: "{routing}" is not a routing number '
                        "(nine digits with a valid ABA check digit)")
    if not bank_name:
        problems.append("Settings Originating Bank Name: your bank's name is needed")
    if len(description) > 10:
        problems.append(f'Settings Entry Description: "{description}" is longer than 10 characters')
    if problems:
        raise OriginatorIncomplete(problems)
    return Originator(settings.company_name, company_id, routing, bank_name, description)
