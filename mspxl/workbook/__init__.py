"""Reading the workbook: files or Excel ranges -> raw sheets -> typed records and problems."""
