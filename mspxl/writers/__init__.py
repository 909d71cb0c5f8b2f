"""Writers: register rows, workbook changes, documents."""
