"""Input readers benchmark: main-content extraction of web pages, and PDF reading.

Two tables, printed to stdout (figures, never asserts):

* web pages: pages per second of `extract/readers/html.page_text` (trafilatura main content,
  written one block a line) over the pages of the invented test site (tests/site_vlietmond.py,
  with its menus, breadcrumbs, cookie banner and footer) and the HTML reader's test page, and
  over the same pages made as heavy as a real budget site's (a menu of about a hundred links,
  60 kB of inline script), beside the plain tag stripping (BeautifulSoup `get_text`) that
  `.html` files got before;
* PDF: the bundled sample typeset as a budget book (tests/typeset.py: headings by font, running
  header, page numbers, a two-column page, a ruled table) and repeated to about N pages, read
  by the PDF reader (`read_document`, pdfplumber) and, side by side, by the previous reader's
  way (pypdf, `page.extract_text()` page by page). Each read runs in a fresh Python process,
  which says its reading time (wall and CPU: on a busy machine pages per CPU second is the
  steadier figure) and its peak RSS (VmHWM) after the imports and after reading, so
  the reading's own share shows. (Not os.wait4's ru_maxrss: Linux carries the forked parent's
  RSS over the exec into it.)

    python benchmarks/bench_inputs.py [--pages 30,300] [--html-seconds 5]

Takes about a minute and a half on the 2-core development machine with the defaults.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from beleidsgraaf.commands.demo import SAMPLE as DEMO_SAMPLE

REPO = Path(__file__).resolve().parent.parent
SAMPLE = DEMO_SAMPLE  # the bundled sample, as `beleidsgraaf demo` reads it
sys.path.insert(0, str(REPO / "tests"))

CHILD = r"""
import sys, time
def hwm():  # peak RSS of this process image, MB (VmHWM: reset at exec, unlike ru_maxrss)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
kind, path = sys.argv[1], sys.argv[2]
if kind == "pdfplumber":
    from beleidsgraaf.extract.reader import read_document
    import pdfplumber  # noqa: F401  (imported before the mark, as pypdf is below)
else:
    from pypdf import PdfReader
before = hwm()
started, cpu = time.perf_counter(), time.process_time()
if kind == "pdfplumber":
    text = read_document(path).text
else:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
print(before, hwm(), seconds, cpu, len(text))
"""


def html_pages() -> list[tuple[str, str]]:
    import site_vlietmond
    from test_readers_html import PAGE

    pages = [(p, site_vlietmond.page_html(p).decode("utf-8")) for p, _, _ in site_vlietmond.PAGES]
    return [*pages, ("test_readers_html.PAGE", PAGE)]


def heavy(markup: str) -> str:
    """A page as heavy as a budget site's: a menu of 12 programmes with 8 task fields each,
    60 kB of inline script and a long footer around the same content."""
    menu = "".join(
        f'<li><a href="/p{n}">Programma {n}</a><ul>'
        + "".join(f'<li><a href="/p{n}/t{m}">Taakveld {n}.{m}</a></li>' for m in range(1, 9))
        + "</ul></li>"
        for n in range(1, 13)
    )
    script = "<script>var state = [" + ",".join(["{a:1,b:'x'}"] * 5000) + "];</script>"
    footer = "".join(f'<li><a href="/f{n}">Voetlink {n}</a></li>' for n in range(40))
    markup = markup.replace("</ul></nav></header>", menu + "</ul></nav></header>", 1)
    markup = markup.replace("</head>", script + "</head>", 1)
    return markup.replace("</footer>", f"<ul>{footer}</ul></footer>", 1)


def rate(fn, pages: list[str], seconds: float) -> tuple[float, float, int]:
    """Pages per second (wall, CPU) of fn over the pages, cycled for about `seconds` (after
    one warm pass)."""
    for markup in pages:
        fn(markup)
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        for markup in pages:
            fn(markup)
        done += len(pages)
    return done / (time.perf_counter() - started), done / (time.process_time() - cpu), done


def strip_tags(markup: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(markup, "html.parser").get_text("\n")


def bench_html(seconds: float) -> None:
    from beleidsgraaf.extract.readers.html import page_text

    light = [m for _, m in html_pages()]
    print(f"## Web pages: main content ({len(light)} pages, each also as a heavy page)\n")
    print("| pages | kB a page | reader | pages/s | pages/CPU s | pages read |")
    print("|---|---:|---|---:|---:|---:|")
    for kind, markups in (("test site", light), ("heavy", [heavy(m) for m in light])):
        size = sum(len(m.encode("utf-8")) for m in markups) / len(markups) / 1e3
        for label, fn in (
            ("main content, one block a line (`readers/html.py`)", page_text),
            ("tags stripped (BeautifulSoup, the old reading)", strip_tags),
        ):
            wall, cpu, done = rate(fn, markups, seconds)
            print(f"| {kind} | {size:.1f} | {label} | {wall:,.0f} | {cpu:,.0f} | {done:,} |")
    print()


def read_in_child(kind: str, path: Path) -> tuple[float, float, float, float, int]:
    """(seconds reading, CPU seconds, peak RSS MB, peak RSS MB before reading, characters) of
    one fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} on {path.name} failed:\n{done.stderr}")
    before, peak, seconds, cpu, chars = done.stdout.split()
    return float(seconds), float(cpu), float(peak), float(before), int(chars)


def bench_pdf(page_counts: list[int], folder: Path) -> None:
    from typeset import typeset_sample

    one = typeset_sample(SAMPLE, folder / "one.pdf")
    print(f"## PDF: the sample typeset as a budget book ({one} pages a copy), repeated\n")
    print(
        "| pages | MB | reader | s | CPU s | pages/s | pages/CPU s | peak RSS MB "
        "| of which after imports MB | characters |"
        "\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    for wanted in page_counts:
        path = folder / f"book-{wanted}.pdf"
        pages = typeset_sample(SAMPLE, path, repeat=max(1, round(wanted / one)))
        mb = path.stat().st_size / 1e6
        for kind, label in (("pdfplumber", "layout (`readers/pdf.py`)"), ("pypdf", "pypdf text")):
            seconds, cpu, peak, before, chars = read_in_child(kind, path)
            print(
                f"| {pages} | {mb:.1f} | {label} | {seconds:.1f} | {cpu:.1f} "
                f"| {pages / seconds:.1f} | {pages / cpu:.1f} | {peak:.0f} | {before:.0f} "
                f"| {chars:,} |",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pages", default="30,300", help="PDF sizes in pages (comma-separated)")
    p.add_argument(
        "--html-seconds", type=float, default=4.0, help="time per HTML reader and page kind"
    )
    args = p.parse_args(argv)
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}\n")  # fmt: skip
    started = time.perf_counter()
    bench_html(args.html_seconds)
    with tempfile.TemporaryDirectory(prefix="bench-inputs-") as tmp:
        bench_pdf([int(x) for x in args.pages.split(",") if x], Path(tmp))
    print(f"\n(whole run {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
