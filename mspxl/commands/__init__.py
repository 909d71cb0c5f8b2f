"""The commands: each one a function taking paths, dates and options and returning a result; the only place
that loads the workbook, holds the lock, writes it and appends its Runs row."""
