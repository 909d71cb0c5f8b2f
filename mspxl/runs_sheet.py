"""The Runs sheet's columns: (header, number format kind), as the output sheets of mspxl.schema list theirs.

Kept apart from mspxl.audit (which needs the writers) so that mspxl.schema can list the sheet among its output
sheets without an import cycle."""

RUNS_SHEET = "Runs"
RUNS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Run At (UTC)", "text"),
    ("Run At (Local)", "text"),
    ("Command", "text"),
    ("Arguments", "text"),
    ("User", "text"),
    ("mspxl Version", "text"),
    ("Hash Before", "text"),
    ("Hash After", "text"),
    ("Issued", "text"),
    ("Total Issued", "money"),
    ("Outcome", "text"),
)
