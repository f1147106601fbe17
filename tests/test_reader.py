"""The reader: exact text from .txt/.html/.pdf, and a clear ReaderError for what is not text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from beleidsgraaf.extract.reader import ReaderError, read_document, read_text

TEXT = "2.1 Sociaal domein\n\n1. Meer inwoners doen mee.\n\n1.1 We steunen één café.\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_plain_utf8_is_kept_exactly_with_name_and_sha256(tmp_path: Path):
    data = TEXT.encode("utf-8")
    source = read_document(write(tmp_path, "doc.txt", data))
    assert source.text == TEXT
    assert source.name == "doc.txt"
    assert source.media_type == "text/plain"
    assert source.sha256 == hashlib.sha256(data).hexdigest()


def test_no_break_spaces_and_runs_of_spaces_are_not_repaired(tmp_path: Path):
    text = "1.\u00a0 Meer   groen.\u00a0\u00a0\n"
    assert read_document(write(tmp_path, "doc.txt", text.encode())).text == text


def test_byte_order_mark_is_dropped(tmp_path: Path):
    source = read_document(write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + TEXT.encode()))
    assert source.text == TEXT


def test_crlf_and_cr_become_lf(tmp_path: Path):
    data = TEXT.replace("\n", "\r\n").encode()
    assert read_document(write(tmp_path, "crlf.txt", data)).text == TEXT
    assert read_text(b"a\rb\r", "cr.txt").text == "a\nb\n"


def test_windows_1252_falls_back_and_decodes_accents(tmp_path: Path):
    source = read_document(write(tmp_path, "cp.txt", TEXT.encode("cp1252")))
    assert source.text == TEXT
    assert "één" in source.text


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  \n"])
def test_empty_file(tmp_path: Path, data: bytes):
    with pytest.raises(ReaderError, match="empty"):
        read_document(write(tmp_path, "leeg.txt", data))


def test_binary_file(tmp_path: Path):
    with pytest.raises(ReaderError, match="binary file"):
        read_document(write(tmp_path, "plaatje.txt", bytes(range(256)) * 8))


def test_undecodable_bytes_say_where_and_what_to_do(tmp_path: Path):
    # 0x81 and 0x8d are invalid UTF-8 starts and unassigned in Windows-1252
    path = write(tmp_path, "kapot.txt", b"1. Meer groen \x81\x8d in de wijk.\n")
    with pytest.raises(ReaderError) as err:
        read_document(path)
    message = str(err.value)
    assert "kapot.txt" in message and "UTF-8" in message and "byte 14" in message


def test_control_characters_are_not_text(tmp_path: Path):
    with pytest.raises(ReaderError, match="convert the file to UTF-8|control characters"):
        read_document(write(tmp_path, "ctl.txt", b"\x01\x02\x03abc\xff\x04\x05" * 50))


def test_html_gives_the_main_content_without_navigation(tmp_path: Path):
    html = (
        "<!DOCTYPE html><html><head><title>Begroting</title><style>p{color:red}</style></head>"
        "<body><nav>Home | Zoeken</nav><header>Gemeente Vlietmond</header>"
        "<main><h2>2.1 Sociaal domein</h2><p>1. Meer inwoners doen mee.</p>"
        "<ul><li>1.1 We steunen het buurthuis.</li></ul><script>track()</script></main>"
        "<footer>Cookiebeleid</footer></body></html>"
    )
    source = read_document(write(tmp_path, "pagina.html", html.encode()))
    assert source.media_type == "text/html"
    lines = [line for line in source.text.splitlines() if line.strip()]
    assert lines == [
        "2.1 Sociaal domein",
        "1. Meer inwoners doen mee.",
        "1.1 We steunen het buurthuis.",
    ]
    for noise in ("Zoeken", "Vlietmond", "track", "Cookie", "color"):
        assert noise not in source.text


def test_html_is_recognised_by_content_without_suffix():
    source = read_text(b"<html><body><p>1. Meer groen.</p></body></html>", "export.txt")
    assert source.media_type == "text/html"
    assert source.text.strip() == "1. Meer groen."


def test_pdf_without_text_layer_asks_for_ocr(tmp_path: Path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(ReaderError, match="no text layer.*OCR"):
        read_document(path)


def test_broken_pdf(tmp_path: Path):
    with pytest.raises(ReaderError, match="cannot read PDF"):
        read_document(write(tmp_path, "stuk.pdf", b"%PDF-1.7\n garbage without objects"))


def test_missing_path_and_folder(tmp_path: Path):
    with pytest.raises(ReaderError, match="no such file"):
        read_document(tmp_path / "bestaat-niet.txt")
    with pytest.raises(ReaderError, match="is a folder"):
        read_document(tmp_path)


def test_dangling_symlink_is_a_missing_file(tmp_path: Path):
    link = tmp_path / "weg.txt"
    link.symlink_to(tmp_path / "nergens.txt")
    with pytest.raises(ReaderError, match="no such file"):
        read_document(link)


def test_file_above_the_size_limit_is_refused_before_reading(tmp_path: Path, monkeypatch):
    from beleidsgraaf.extract import reader

    monkeypatch.setattr(reader, "MAX_BYTES", 100)
    with pytest.raises(ReaderError, match="larger than the limit"):
        read_document(write(tmp_path, "groot.txt", b"x" * 101))


def test_pipe_is_refused_instead_of_blocking(tmp_path: Path):
    import os

    fifo = tmp_path / "pijp.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReaderError, match="not a regular file"):
        read_document(fifo)
