"""What an upload must be to be stored: a real, readable PDF within the limit. No database needed."""

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from portal.publication.storage import InvalidDocument, check_pdf, clean_original_name, path_for, save
from tests.publication.builders import pdf_bytes

LIMIT = 64 * 1024
REAL = pdf_bytes("Anonymised overview report")


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(REAL)))
    writer.encrypt("a-password")
    return _written(writer)


def scripted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(REAL)))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    return _written(writer)


def polyglot() -> bytes:
    """A PDF that is also an HTML page: markup in a PDF comment right after the header."""
    header, rest = REAL.split(b"\n", 1)
    return header + b"\n%<html><script>alert(document.cookie)</script></html>\n" + rest


def test_a_real_pdf_is_accepted_with_its_size_hash_and_pages():
    checked = check_pdf(REAL, LIMIT)
    assert (checked.size_bytes, checked.pages) == (len(REAL), 1)
    assert len(checked.sha256) == 64
    assert check_pdf(pdf_bytes(pages=3), LIMIT).pages == 3


def test_the_polyglot_really_is_a_readable_pdf():
    # So its refusal below is down to the markup check, not to a parse failure.
    assert len(PdfReader(io.BytesIO(polyglot())).pages) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (b"%PDF-" + b"0" * LIMIT, "The selected file must be smaller than 64 KB"),
        (
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            "The selected file must be a PDF",
        ),
        (b"\xef\xbb\xbf%PDF-1.7\n", "The selected file must be a PDF"),  # a byte-order mark first
        (b"PK\x03\x04 a zip file named report.pdf", "The selected file must be a PDF"),
        (b"%PDF-1.7\nthis is not really a PDF at all\n%%EOF\n", "The selected file must be a PDF"),
        (REAL[: len(REAL) // 2], "The selected file must be a PDF"),  # cut short
        (polyglot(), "The selected file must be a PDF"),
        (encrypted_pdf(), "The selected file must not be password protected"),
        (_written(PdfWriter()), "The selected file must have at least one page"),
        (scripted_pdf(), "The selected file must not contain scripts"),
    ],
    ids=[
        "empty",
        "limit-plus-one",
        "html-renamed",
        "bom-first",
        "zip",
        "garbage-after-header",
        "truncated",
        "html-polyglot",
        "encrypted",
        "no-pages",
        "javascript",
    ],
)
def test_anything_else_is_refused_with_a_reason(data, message):
    with pytest.raises(InvalidDocument) as refused:
        check_pdf(data, LIMIT)
    assert str(refused.value) == message


def test_exactly_the_limit_is_allowed_and_one_more_byte_is_not():
    padded = REAL + b"\n" * (LIMIT - len(REAL))  # trailing whitespace after %%EOF is still a PDF
    assert check_pdf(padded, LIMIT).size_bytes == LIMIT
    with pytest.raises(InvalidDocument, match="smaller than"):
        check_pdf(padded + b"\n", LIMIT)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Overview report v3.pdf", "Overview report v3.pdf"),
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\report.pdf", "report.pdf"),
        ("C:\\Users\\officer\\Desktop\\summary.pdf", "summary.pdf"),
        ("report\x00.pdf\r\nX-Injected: yes", "report.pdfX-Injected: yes"),
        ("tab\there.pdf", "tabhere.pdf"),
        ("\u202efdp.exe", "fdp.exe"),  # a right-to-left override that would show "exe.pdf"
        ("..", "document.pdf"),
        ("", "document.pdf"),
        (None, "document.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_the_original_name_is_cleaned_for_display(given, kept):
    assert clean_original_name(given) == kept


@pytest.mark.parametrize(
    "name", ["../secret.pdf", "/etc/passwd", "report.pdf", "A" * 32 + ".pdf", "0" * 32 + ".pdf/..", ""]
)
def test_paths_are_only_ever_made_from_server_names(tmp_path, name):
    with pytest.raises(ValueError, match="not a stored document name"):
        path_for(name, {"DOCUMENTS_DIR": str(tmp_path)})


def test_saving_uses_a_fresh_random_name_with_owner_only_permissions(tmp_path):
    config = {"DOCUMENTS_DIR": str(tmp_path / "documents")}
    first, second = save(REAL, config), save(REAL, config)
    assert first != second
    for name in (first, second):
        path = path_for(name, config)
        assert path.parent == tmp_path / "documents" and path.read_bytes() == REAL
        assert path.stat().st_mode & 0o777 == 0o600
