"""Limits on an uploaded spreadsheet, checked while it streams in, never trusted from the file.

An .xlsx declares its own size (`<dimension ref="A1:Z2000000">`), and openpyxl pads rows
and columns up to it; a 200 KB file can unpack to a 200 MB cell. So: refuse a workbook
whose parts unpack too large, forget the declared dimension, count real rows and cells as
they arrive, cap each cell, and stop at the first limit with a message naming it. Messages
quote at most a short excerpt of what a cell held.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from app.core.validation import N_, Msg

MAX_ROWS = 10_000
"""Data rows (after the header) in one import; a bigger ledger is split by site."""
MAX_CELLS = 400_000
"""Cells read, header included: 10,000 rows of 40 columns."""
MAX_CELL_CHARS = 2_000
"""Characters in one cell; notes are the longest field and stay far below."""
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
"""Everything inside an .xlsx once unzipped; a 10,000-row ledger is a few MB."""
MAX_PROBLEMS = 200
"""Rows reported as bad before the check stops: enough to see what is wrong."""
EXCERPT_CHARS = 40
QUOTE_CHARS = 300
"""A message parameter longer than this is a cell's content, not our own list of choices."""


class SheetTooLarge(ValueError):
    """The file passes a limit; `message` says which and where."""

    def __init__(self, message: Msg) -> None:
        super().__init__(str(message))
        self.message = message


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """The start of a cell's text, marked when cut: what an error message may quote."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def short_params(message: Msg) -> Msg:
    """The same message with every long quoted value cut to an excerpt."""
    params: Mapping[str, Any] = {
        key: excerpt(value) if isinstance(value, str) and len(value) > QUOTE_CHARS else value
        for key, value in message.params.items()
    }
    return Msg(message.msgid, params)


def check_unpacked_size(data: bytes, filename: str) -> None:
    """Refuse a zip bomb before openpyxl unpacks it (sizes are enforced by zipfile on read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # not a zip at all: openpyxl's own error explains it
    if total > MAX_UNPACKED_BYTES:
        raise SheetTooLarge(
            N_(
                "cannot import %(file)s: it unpacks to %(size)d MB; at most %(limit)d MB",
                file=filename,
                size=total // (1024 * 1024),
                limit=MAX_UNPACKED_BYTES // (1024 * 1024),
            )
        )


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def bounded_rows(rows: Iterable[Iterable[Any]]) -> Iterator[list[Any]]:
    """Rows as they stream in, stopping at the first limit passed (header is row 1)."""
    cells = 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise SheetTooLarge(
                N_(
                    "the file has more than %(limit)d rows; import at most %(limit)d at a time",
                    limit=MAX_ROWS,
                )
            )
        values = list(row)
        cells += len(values)
        if cells > MAX_CELLS:
            raise SheetTooLarge(
                N_(
                    "the file has more than %(limit)d cells (row %(row)d); "
                    "delete unused columns and rows",
                    limit=MAX_CELLS,
                    row=number,
                )
            )
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise SheetTooLarge(
                    N_(
                        "cell %(cell)s holds %(length)d characters (%(start)s); at most %(limit)d",
                        cell=f"{column_letter(index)}{number}",
                        length=len(value),
                        start=excerpt(value),
                        limit=MAX_CELL_CHARS,
                    )
                )
        yield values
