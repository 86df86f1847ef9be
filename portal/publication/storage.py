"""Published documents on disk: checked by content, stored under names the server chose.

Files live in DOCUMENTS_DIR (default instance/documents), never under static/,
and are only ever served by the publication views. A stored name is a random
token plus ".pdf"; the name the file had on the uploader's computer is cleaned
and kept for display, and is never part of a path.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

ORIGINAL_NAME_MAX = 120
STORED_NAME = re.compile(r"[0-9a-f]{32}\.pdf")
# Markup a browser would run if it ever sniffed the file as HTML: a PDF has no business
# carrying it near its start, where sniffers look.
POLYGLOT_MARKERS = (b"<html", b"<script", b"<!doctype", b"<body", b"<svg", b"<iframe", b"<?xml")
SNIFF_WINDOW = 1024


class InvalidDocument(ValueError):
    """The upload is not a PDF the portal will publish; the message says why, GOV.UK style."""


@dataclass(frozen=True)
class CheckedPdf:
    data: bytes
    size_bytes: int
    sha256: str
    pages: int


def _megabytes(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:g} MB" if value >= 1 else f"{max(1, limit // 1024)} KB"


def check_pdf(data: bytes, limit: int) -> CheckedPdf:
    """The upload if it is a real, readable, unencrypted PDF within the limit; else InvalidDocument."""
    if not data:
        raise InvalidDocument("The selected file is empty")
    if len(data) > limit:
        raise InvalidDocument(f"The selected file must be smaller than {_megabytes(limit)}")
    if not data.startswith(b"%PDF-"):
        raise InvalidDocument("The selected file must be a PDF")
    head = data[:SNIFF_WINDOW].lower()
    if any(marker in head for marker in POLYGLOT_MARKERS):
        raise InvalidDocument("The selected file must be a PDF")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise InvalidDocument("The selected file must not be password protected")
        pages = len(reader.pages)
        scripted = _has_scripts(reader)
    except InvalidDocument:
        raise
    except Exception as error:  # noqa: BLE001 - whatever pypdf trips on, the file is not a usable PDF
        raise InvalidDocument("The selected file must be a PDF") from error
    if pages < 1:
        raise InvalidDocument("The selected file must have at least one page")
    if scripted or b"/JavaScript" in data:
        raise InvalidDocument("The selected file must not contain scripts")
    return CheckedPdf(data=data, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), pages=pages)


def _has_scripts(reader: PdfReader) -> bool:
    """Document-level JavaScript or an action run on opening (a published report needs neither)."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    action = root.get("/OpenAction")
    if action is not None:
        action = action.get_object()
        if isinstance(action, DictionaryObject) and action.get("/S") in ("/JavaScript", "/Launch"):
            return True
    return "/AA" in root


def clean_original_name(name: str | None) -> str:
    """The uploader's file name, for display only: no folders, no control characters, 120 at most."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters (NUL, CR, LF...); Cf: invisible format characters, such as
    # right-to-left overrides that make "fdp.exe" read as "exe.pdf".
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > ORIGINAL_NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = ORIGINAL_NAME_MAX - len(dot + extension) if dot and len(extension) <= 8 else ORIGINAL_NAME_MAX
        name = (stem[:keep] + dot + extension) if dot and len(extension) <= 8 else name[:keep]
    return name or "document.pdf"


def documents_dir(config: Mapping | None = None) -> Path:
    folder = Path((config or current_app.config)["DOCUMENTS_DIR"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def path_for(stored_name: str, config: Mapping | None = None) -> Path:
    """Where a stored document is; refuses any name the server could not have made."""
    if not STORED_NAME.fullmatch(stored_name or ""):
        raise ValueError(f"not a stored document name: {stored_name!r}")
    return documents_dir(config) / stored_name


def save(data: bytes, config: Mapping | None = None) -> str:
    """Write a new file under a fresh random name (never overwriting one); its stored name.

    `config` for callers without an app context (the demo loader); else the app's.
    """
    stored_name = secrets.token_hex(16) + ".pdf"
    path = path_for(stored_name, config)
    # O_EXCL: fail rather than replace a file that somehow has the name already.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return stored_name


def read(stored_name: str) -> bytes:
    return path_for(stored_name).read_bytes()


def delete(stored_name: str) -> None:
    path_for(stored_name).unlink(missing_ok=True)
