"""How a folder of documents is made up, for comparing generated benchmark corpora with real
ones: words per document, the share of words inside goals and activities (the structure
parser's), and, with --build, what the build makes of them (quads and entity mentions per
1,000 words), since what a build costs per word follows those.

    python benchmarks/corpus_shape.py ../shared/realdev /tmp/generated [--build]

Prints one line of figures per folder and never copies text anywhere.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path


def shape(files: list[Path]) -> dict[str, float]:
    """Words and the share of them in goals and activities."""
    from beleidsgraaf.extract.structure import parse_structure

    words, listed, sizes = 0, 0, []
    for path in files:
        text = path.read_text(encoding="utf-8")
        tree = parse_structure(text)
        n = len(text.split())
        words += n
        sizes.append(n)
        listed += sum(len(x.text.split()) for x in [*tree.goals, *tree.activities])
    return {
        "documents": len(files),
        "words": words,
        "words per document": round(statistics.mean(sizes)) if sizes else 0,
        "in goals and activities": round(listed / words, 2) if words else 0.0,
    }


def built(files: list[Path]) -> dict[str, float]:
    """Quads and entity mentions per 1,000 words of a build of `files` into a new store."""
    import pyoxigraph as ox

    from beleidsgraaf.namespaces import BG
    from beleidsgraaf.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        build(files, store=Path(tmp) / "store", skip_duplicates=False)
        store = ox.Store.read_only(str(Path(tmp) / "store"))
        quads = len(store)
        mentions = sum(
            1 for _ in store.quads_for_pattern(None, ox.NamedNode(str(BG.mentionedIn)), None)
        )
        del store
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
    return {
        "quads per 1,000 words": round(1000 * quads / words),
        "mentions per 1,000 words": round(1000 * mentions / words, 1),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folders", nargs="+", type=Path)
    p.add_argument("--build", action="store_true", help="also build them (entities included)")
    args = p.parse_args(argv)
    for folder in args.folders:
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else [folder]
        if not files:
            print(f"error: no .txt documents in {folder}", file=sys.stderr)
            return 2
        figures = shape(files) | (built(files) if args.build else {})
        print(f"{folder}: " + ", ".join(f"{k} {v}" for k, v in figures.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
