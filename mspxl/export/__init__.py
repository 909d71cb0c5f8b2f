"""Exports to the accounting system: pure builders from register records to the rows and text an accounting
system imports (QuickBooks Online invoice CSV, QuickBooks Desktop IIF, Xero sales invoice and credit note CSV).

No I/O here: `model` resolves register rows into export documents with the workbook's mapping, each format module
turns documents into rows or text, `batches` splits them under the importer's limits. The command that reads the
workbook, writes the files and records the Exports sheet is `mspxl.commands.export`.
"""
