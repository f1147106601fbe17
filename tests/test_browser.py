"""The network page in a real browser: headless Chromium, network off, must draw the nodes and
ask for nothing outside the file.

Chromium is Debian's `chromium` package; the `chromium` fixture installs it (when missing and
we may) and skips only when it cannot. Chromium's own housekeeping requests (update checks,
spell-check dictionaries) still show in its net log even with --disable-background-networking;
they carry no page origin ("not an origin") and are told apart from what the page asked for.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from beleidsgraaf.graph.network import legend_for, partner_network
from beleidsgraaf.graph.pictures import to_pyvis
from beleidsgraaf.graph.store import opened

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-sync",
    "--disable-extensions",
    # network off: no name resolves, and anything else goes to a proxy that is not there
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
]
CANVAS_LEFT = 340  # the page's side panel is 330 px wide; the network is drawn to its right


def find_or_install_chromium() -> tuple[str | None, str]:
    """(path to chromium, '') or (None, why it cannot be had)."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path, ""
    if os.name != "posix" or not shutil.which("apt-get"):
        return None, "chromium is not installed and there is no apt-get to install it with"
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif (
        shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], check=False).returncode == 0
    ):
        prefix = ["sudo", "-n"]
    else:
        return (
            None,
            "chromium is not installed and installing it needs root (apt-get install chromium)",
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        done = subprocess.run(
            prefix + command, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return None, f"'{' '.join(command)}' failed: {' / '.join(tail)}"
    path = shutil.which("chromium")
    return (path, "") if path else (None, "apt-get installed chromium but it is not on PATH")


@pytest.fixture(scope="session")
def chromium() -> str:
    path, why = find_or_install_chromium()
    if path is None:
        pytest.skip(f"headless Chromium unavailable: {why}")
    return path


@dataclass
class Render:
    png: Path
    requests: list[str]  # http(s)/ws(s)/ftp URLs the page asked for (should be none)
    seconds: float  # wall time of the whole Chromium run
    errors: list[str]  # uncaught script errors and refused loads from the page's console


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked the network for, from Chromium's net log (JSON)."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = params.get("url", "")
        if event["type"] != start_job or not url or url.startswith(("file:", "data:", "blob:")):
            continue
        if params.get("initiator") == "not an origin":
            continue  # Chromium's own housekeeping, not the page
        found.append(url)
    return found


def render(
    chromium: str,
    page: Path,
    work: Path,
    budget_ms: int = 4000,
    size=(1200, 900),
    fragment: str = "",
) -> Render:
    """Open `page` (with `#fragment`) in headless Chromium, let `budget_ms` of virtual time pass
    (the layout), and take a screenshot."""
    work.mkdir(parents=True, exist_ok=True)
    png, netlog = work / f"{page.stem}.png", work / f"{page.stem}.netlog.json"
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={work / 'profile'}",
        f"--screenshot={png}",
        f"--window-size={size[0]},{size[1]}",
        f"--virtual-time-budget={budget_ms}",
        f"--log-net-log={netlog}",
        "--enable-logging=stderr",
        "--v=0",
        page.resolve().as_uri() + (f"#{fragment}" if fragment else ""),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not png.exists():
        raise AssertionError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return Render(
        png=png,
        requests=page_requests(netlog),
        seconds=seconds,
        errors=console_errors(done.stderr),
    )


def console_errors(stderr: str) -> list[str]:
    """Console lines of the page that say a script failed or a load was refused."""
    return [
        line
        for line in stderr.splitlines()
        if ":CONSOLE" in line
        and ("Uncaught" in line or "Content Security Policy" in line or "Refused to" in line)
    ]


def dump_dom(
    chromium: str, page: Path, work: Path, fragment: str = "", budget_ms: int = 4000
) -> str:
    """The page's DOM after `budget_ms` of virtual time, as Chromium serialises it."""
    work.mkdir(parents=True, exist_ok=True)
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={work / 'profile'}",
        f"--virtual-time-budget={budget_ms}",
        "--dump-dom",
        page.resolve().as_uri() + (f"#{fragment}" if fragment else ""),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or "<body" not in done.stdout:
        raise AssertionError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def hex_rgb(colour: str) -> tuple[float, float, float]:
    c = colour.lstrip("#")
    return tuple(int(c[i : i + 2], 16) / 255 for i in (0, 2, 4))


def colour_counts(png: Path, colours: dict[str, str], left: int = CANVAS_LEFT) -> dict[str, int]:
    """How many pixels right of `left` have each colour (within a small tolerance)."""
    import matplotlib.image as mpimg
    import numpy as np

    pixels = mpimg.imread(png)[:, left:, :3]
    return {
        name: int((np.abs(pixels - np.array(hex_rgb(c))).max(axis=2) < 0.04).sum())
        for name, c in colours.items()
    }


def coloured_pixels(png: Path, left: int = CANVAS_LEFT) -> int:
    import matplotlib.image as mpimg

    pixels = mpimg.imread(png)[:, left:, :3]
    return int(((pixels.max(axis=2) - pixels.min(axis=2)) > 0.25).sum())


@pytest.fixture(scope="module")
def partners_page(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    from test_network import make_store

    work = tmp_path_factory.mktemp("browser")
    store = make_store(work / "store")
    with opened(store, read_only=True) as ds:
        G = partner_network(ds)
    legend = legend_for(G)
    page = work / "partners.html"
    page.write_text(to_pyvis(G, legend, title="Partners"), encoding="utf-8")
    return page, legend


def test_partner_network_draws_offline(chromium, partners_page, tmp_path):
    page, legend = partners_page
    result = render(chromium, page, tmp_path / "run")

    assert result.requests == []
    assert result.errors == []
    assert coloured_pixels(result.png) > 2000, "the canvas is blank"
    counts = colour_counts(result.png, legend)
    # every kind in the legend was drawn as a node on the canvas (a node is ~25 px wide)
    assert all(n > 150 for n in counts.values()), counts


def test_filter_by_section_from_the_address(chromium, partners_page, tmp_path):
    """#sections=... keeps the section's activities and goals and the partners working in it:
    in the fixture, section 2.1.2 has Indebuurt033 but not the huisartsen (actor group)."""
    page, legend = partners_page
    result = render(chromium, page, tmp_path / "run", fragment="sections=2.1.2%20Zorg")
    counts = colour_counts(result.png, legend)
    assert counts["Actor group"] == 0, counts
    assert min(counts["Organisation"], counts["Activity"], counts["Goal"]) > 150, counts
    assert result.requests == [] and result.errors == []


def test_details_panel_shows_names_links_and_sentences(chromium, partners_page, tmp_path):
    """#node=IRI selects a node once the layout settles; its details are built in the DOM."""
    from urllib.parse import quote

    from test_network import GGD, GGD_WD, SENTENCE_A1

    page, _ = partners_page
    dom = dump_dom(chromium, page, tmp_path / "dom", fragment=f"node={quote(str(GGD), safe='')}")
    assert 'data-stabilised="true"' in dom
    details = dom[dom.index('id="details"') :]
    details = details[: details.index("</div>\n")] if "</div>\n" in details else details
    assert "GGD regio Utrecht" in details and "Also: GGD" in details
    assert f'href="{GGD_WD}"' in details and "Wikidata Q2320640" in details
    assert SENTENCE_A1 in details
    assert "Degree 2" in details


def test_the_request_check_can_fail(chromium, tmp_path):
    """Control: a page that loads vis-network from a CDN (as pyvis does) is caught."""
    page = tmp_path / "cdn.html"
    page.write_text(
        '<html><head><script src="https://cdnjs.cloudflare.com/ajax/libs/vis-network/9.1.2/'
        'dist/vis-network.min.js"></script></head><body>x</body></html>',
        encoding="utf-8",
    )
    result = render(chromium, page, tmp_path / "run", budget_ms=500)
    assert any("cdnjs.cloudflare.com" in url for url in result.requests)


def test_the_console_check_can_fail(chromium, tmp_path):
    """Control: a script error and a load refused by a Content-Security-Policy are reported."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'script-src \'unsafe-inline\'"></head><body><img src="https://example.org/x.png">'
        "<script>null.x;</script></body></html>",
        encoding="utf-8",
    )
    result = render(chromium, page, tmp_path / "run", budget_ms=500)
    assert any("Uncaught TypeError" in line for line in result.errors), result.errors
    assert any("Content Security Policy" in line for line in result.errors), result.errors
    assert result.requests == []  # the policy stopped the image before it left
