"""Workbooks for tests, written with openpyxl (as many exporting programs write them)."""

from __future__ import annotations

import io


def openpyxl_workbook(sheets: dict[str, list[list]]) -> bytes:
    """An xlsx file: one sheet per name, rows as given (None leaves a cell empty)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
