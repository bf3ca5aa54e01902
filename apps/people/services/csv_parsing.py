"""Reading an uploaded CSV file into rows for the import preview. No database here.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first person or unit
row 2. Every problem becomes an error record {row, column, message} so the preview can list
all of them at once, by row and column, instead of stopping at the first.
"""

import codecs
import csv
import io
from dataclasses import dataclass, field

MAX_ROWS = 20_000

# Files that are clearly not CSV text: spreadsheets saved in their own format.
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "an Excel (.xlsx) or other zipped file",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) file",
    b"%PDF": "a PDF",
}
_SAVE_AS_UTF8 = "In your spreadsheet choose “Save as” → “CSV UTF-8 (comma delimited)” and upload that file."


def error(row: int | None, column: str, message: str) -> dict:
    """One problem of the file. `row` is None for problems of the whole file."""
    return {"row": row, "column": column, "message": message}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # the header must name it (cells may still be optional, see `description`)
    description: str
    example: str = ""


@dataclass
class ParsedCsv:
    """The file's rows as {column: stripped value}, each with its row number."""

    text: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.rows)


def normalise_header(name: str) -> str:
    """'Staff number', 'staff-number' and ' STAFF_NUMBER ' all mean staff_number."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def decode(raw: bytes) -> tuple[str | None, list[dict]]:
    """The file's text, or None and the errors that say how to fix the file."""
    if not raw.strip(b" \t\r\n" + codecs.BOM_UTF8):
        return None, [error(None, "", "The file is empty.")]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [error(None, "", f"The file is saved as UTF-16 text, not UTF-8. {_SAVE_AS_UTF8}")]
    for signature, what in _BINARY_SIGNATURES.items():
        if raw.startswith(signature):
            return None, [error(None, "", f"This is {what}, not a CSV text file. {_SAVE_AS_UTF8}")]
    if b"\x00" in raw:
        return None, [error(None, "", f"This is a binary file, not a CSV text file. {_SAVE_AS_UTF8}")]
    try:
        # utf-8-sig also accepts the byte-order mark Excel puts at the start of "CSV UTF-8".
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return None, _encoding_errors(raw)


def _encoding_errors(raw: bytes) -> list[dict]:
    """Every row with bytes that are not UTF-8, and in which column, so HR can see what to fix.

    Reads the file as Latin-1 (which never fails) only to find the cells; a cell is wrong
    when its bytes are not valid UTF-8.
    """
    text = raw.removeprefix(codecs.BOM_UTF8).decode("latin-1")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    errors = []
    header: list[str] = []
    last_line = 0
    try:
        for cells in reader:
            row, last_line = last_line + 1, reader.line_num
            if not header:
                header = [normalise_header(_as_utf8_or_latin1(c)) for c in cells]
            for index, cell in enumerate(cells):
                try:
                    cell.encode("latin-1").decode("utf-8")
                except UnicodeDecodeError:
                    column = header[index] if index < len(header) else f"column {index + 1}"
                    errors.append(error(row, column, f"“{cell}” is not UTF-8 text."))
    except csv.Error:
        pass  # a malformed file: the message below still says what to do
    if not errors:
        errors.append(error(None, "", f"The file is not UTF-8 text. {_SAVE_AS_UTF8}"))
    else:
        errors.insert(
            0, error(None, "", "The file is not saved as UTF-8 (probably Windows or Latin-1). " + _SAVE_AS_UTF8)
        )
    return errors


def _as_utf8_or_latin1(cell: str) -> str:
    try:
        return cell.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return cell


def _delimiter(text: str) -> str:
    """Comma, or the semicolon / tab some spreadsheet locales save with, judged by the header."""
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def parse(raw: bytes, columns: list[Column]) -> ParsedCsv:
    """Decode, check the header against `columns` and read every row."""
    text, errors = decode(raw)
    if text is None:
        return ParsedCsv(errors=errors)
    parsed = ParsedCsv(text=text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        _read_rows(reader, columns, parsed)
    except csv.Error as exc:
        parsed.rows = []
        parsed.errors.append(error(reader.line_num or None, "", f"The file cannot be read as CSV here: {exc}."))
    return parsed


def _read_rows(reader, columns: list[Column], parsed: ParsedCsv) -> None:
    known = {c.name for c in columns}
    header_cells = next(reader, None)
    while header_cells is not None and not any(c.strip() for c in header_cells):
        header_cells = next(reader, None)  # blank lines above the header
    if header_cells is None:
        parsed.errors.append(error(None, "", "The file is empty."))
        return
    header_row = reader.line_num
    header = [normalise_header(c) for c in header_cells]
    parsed.columns = header

    seen: set[str] = set()
    for name in header:
        if name in seen and name in known:
            parsed.errors.append(error(header_row, name, f"The column “{name}” appears twice in the header."))
        seen.add(name)
    missing = [c.name for c in columns if c.required and c.name not in seen]
    for name in missing:
        parsed.errors.append(error(header_row, name, f"The header has no “{name}” column; it is required."))
    parsed.ignored_columns = [name for name in header if name and name not in known]
    if parsed.errors:
        return  # without the right columns the rows cannot be read sensibly

    width = len(header)
    last_line = reader.line_num
    for cells in reader:
        row, last_line = last_line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(parsed.rows) == MAX_ROWS:
            total = MAX_ROWS + 1 + sum(1 for rest in reader if any(c.strip() for c in rest))
            parsed.rows = []
            parsed.errors.append(
                error(
                    None,
                    "",
                    f"The file has {total:,} rows; at most {MAX_ROWS:,} can be imported at once. "
                    "Split it into smaller files.",
                )
            )
            return
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            parsed.errors.append(
                error(
                    row,
                    "",
                    f"This row has {len(cells)} values but the header names {width} columns "
                    "(a comma inside a value needs quotes around the value).",
                )
            )
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header) if name}
        parsed.rows.append((row, values))
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(error(None, "", "The file has a header but no rows to import."))
