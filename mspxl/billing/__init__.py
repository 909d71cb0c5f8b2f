"""The billing rules: pure functions from records and dates to invoice drafts. No I/O, no clock."""
