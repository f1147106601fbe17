"""Build extract/patterns/common_words.txt: Dutch word forms seen in lower case in the corpora.

The entity typer uses it to tell a capitalised common word at the start of a sentence
("Inzet", "Wonen") from a name ("Liendert", "Nibud"). Only the word list is shipped, never the
corpora. Usage: python training/common_words.py [--corpora ../shared/corpora] [--min-count 2]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def words(corpora: Path) -> Counter:
    counts: Counter = Counter()
    for path in sorted((corpora / "conll2002-nl").glob("ned.*")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("-DOCSTART-"):
                counts[line.split(" ", 1)[0]] += 1
    for path in sorted((corpora / "ud-dutch").glob("*.conllu")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and line[0].isdigit():
                cols = line.split("\t")
                if len(cols) > 1 and "-" not in cols[0]:
                    counts[cols[1]] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "extract" / "patterns" / "common_words.txt"
    )
    args = parser.parse_args()
    counts = words(args.corpora)
    common = sorted(
        w
        for w, n in counts.items()
        if n >= args.min_count and w.isalpha() and w.islower() and len(w) > 1
    )
    args.out.write_text("\n".join(common) + "\n", encoding="utf-8")
    print(f"{len(common)} words -> {args.out}")


if __name__ == "__main__":
    main()
