"""The number formats written values get, the same whichever writer writes them (the package writer, the openpyxl
reference, Excel through xlwings), and the first characters that would make text a formula."""

DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "0"
DECIMAL_FORMAT = "General"  # "#,##0.##" would show a whole quantity as "3."
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
