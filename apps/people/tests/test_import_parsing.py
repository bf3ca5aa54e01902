"""Reading the uploaded file: encodings, headers, empty files, row limits."""

import codecs

from apps.people.services import csv_parsing, import_employees, import_units
from apps.people.services.csv_parsing import MAX_ROWS, parse


def test_it_numbers_rows_like_a_spreadsheet_with_the_header_as_row_1():
    parsed = parse(b"code,name\nA,Alpha\n\nB,Beta\n", import_units.COLUMNS)
    assert parsed.errors == []
    assert [row for row, _ in parsed.rows] == [2, 4]  # the blank line 3 is skipped but still counted
    assert parsed.rows[1][1] == {"code": "B", "name": "Beta"}


def test_it_counts_lines_of_quoted_values_that_span_lines():
    parsed = parse(b'code,name\nA,"Alpha\nand more"\nB,Beta\n', import_units.COLUMNS)
    assert [row for row, _ in parsed.rows] == [2, 4]


def test_it_accepts_the_byte_order_mark_excel_writes():
    parsed = parse(codecs.BOM_UTF8 + "code,name\nZÜR,Zürich\n".encode(), import_units.COLUMNS)
    assert parsed.errors == []
    assert parsed.rows == [(2, {"code": "ZÜR", "name": "Zürich"})]


def test_it_names_the_row_and_column_of_text_that_is_not_utf8():
    parsed = parse("code,name\nA,Alpha\nB,Café\n".encode("latin-1"), import_units.COLUMNS)
    assert parsed.rows == []
    assert "save" in parsed.errors[0]["message"].lower() and "UTF-8" in parsed.errors[0]["message"]
    assert [(e["row"], e["column"]) for e in parsed.errors[1:]] == [(3, "name")]


def test_it_refuses_utf16_and_binary_files():
    utf16 = parse("code,name\nA,Alpha\n".encode("utf-16"), import_units.COLUMNS)
    assert "UTF-16" in utf16.errors[0]["message"]
    xlsx = parse(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), import_units.COLUMNS)
    assert "Excel" in xlsx.errors[0]["message"]
    binary = parse(b"code,name\n\x00\x01\x02", import_units.COLUMNS)
    assert "binary" in binary.errors[0]["message"]


def test_it_says_so_when_the_file_is_empty_or_has_no_rows():
    assert parse(b"", import_units.COLUMNS).errors[0]["message"] == "The file is empty."
    assert parse(b"\r\n  \n", import_units.COLUMNS).errors[0]["message"] == "The file is empty."
    assert "no rows" in parse(b"code,name\n", import_units.COLUMNS).errors[0]["message"]


def test_it_names_every_missing_required_column():
    parsed = parse(b"staff_number,name\nE1,Ann\n", import_employees.COLUMNS)
    assert [(e["row"], e["column"]) for e in parsed.errors] == [
        (1, "first_name"),
        (1, "last_name"),
        (1, "email"),
        (1, "unit_code"),
    ]
    assert parsed.rows == []


def test_it_reads_headers_in_any_case_and_spacing_and_ignores_unknown_columns():
    parsed = parse(b"Code, Name ,Parent-Code,Notes\nA,Alpha,,hello\n", import_units.COLUMNS)
    assert parsed.errors == []
    assert parsed.rows == [(2, {"code": "A", "name": "Alpha", "parent_code": "", "notes": "hello"})]
    assert parsed.ignored_columns == ["notes"]


def test_it_reads_semicolon_separated_files_from_european_spreadsheets():
    parsed = parse(b"code;name\nA;Alpha, Inc\n", import_units.COLUMNS)
    assert parsed.rows == [(2, {"code": "A", "name": "Alpha, Inc"})]


def test_it_flags_a_row_with_more_values_than_columns():
    parsed = parse(b"code,name\nA,Alpha,Extra\nB,Beta,,\n", import_units.COLUMNS)
    assert [(e["row"], e["column"]) for e in parsed.errors] == [(2, "")]


def test_it_refuses_more_than_the_row_limit_and_says_how_many():
    lines = ["code,name"] + [f"U{i},Unit {i}" for i in range(MAX_ROWS + 5)]
    parsed = parse("\n".join(lines).encode(), import_units.COLUMNS)
    assert parsed.rows == []
    assert f"{MAX_ROWS + 5:,} rows" in parsed.errors[0]["message"]
    assert f"{MAX_ROWS:,}" in parsed.errors[0]["message"]


def test_normalise_header():
    assert csv_parsing.normalise_header(" Staff  Number ") == "staff_number"
    assert csv_parsing.normalise_header("manager-staff-number") == "manager_staff_number"
