"""Generated policy documents for scale benchmarks and tests, from the project's own texts.

Real corpora cannot be put in the repository, and N copies of one text measure a store full
of near-identical graphs. This writes N distinct documents of the shape the build reads:
programmes made of the goals and activities of the texts written for the project's tests
(tests/data, never ../shared/realdev or web pages), in the numbered layout ("1 Titel",
"1.1 doel", "1.1.1 activiteit") or the budget-web-page layout ("Programma 1 | Titel", "Wat willen
we bereiken?", "Wat gaan we daarvoor doen?", "Wat mag het kosten?"), each under another
municipality of the national table (ontology/gemeenten.csv) and year. Each programme opens
with introduction paragraphs made of general sentences of the generator's own (`--prose`, the
share of words outside goals and activities, as on real budget pages). The same seed gives the
same files, byte for byte.

    python benchmarks/corpus_generator.py OUT --docs 1000 [--seed 0] [--tokens 4000] [--prose 0.4]

`--tokens` is the mean size (whitespace-separated words; each document is 0.5-1.5 times it).
The default, 4,000, is the bundled sample's size (one programme chapter), so that figures
compare with the earlier ones; a whole budget of 150-300 pages is some 60,000-100,000.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "tests" / "data"
LAYOUTS = ("numbered", "webpage")
KINDS = ("programmabegroting", "begroting", "jaarverslag", "voorjaarsnota", "jaarstukken")


@dataclass(frozen=True)
class Theme:
    """One section of a source text: its title and its goals, each with its activities."""

    title: str
    goals: tuple[tuple[str, tuple[str, ...]], ...]
    municipality: str  # the source's municipality, replaced by the generated one


@cache
def themes() -> tuple[Theme, ...]:
    """The sections of the project's own test texts, as the structure parser reads them."""
    from beleidsgraaf.extract.structure import parse_structure

    out: list[Theme] = []
    for path in sorted(SOURCES.rglob("*.txt")):
        tree = parse_structure(path.read_text(encoding="utf-8"))
        source = path.stem.split("-")[0].capitalize()
        for section in tree.sections:
            goals = [g for g in tree.goals if g.section is section]
            if not goals:
                continue
            acts: dict[int, list[str]] = {id(g): [] for g in goals}
            for a in tree.activities:
                if a.section is section:
                    owner = next((g for g in a.goals if id(g) in acts), goals[0])
                    acts[id(owner)].append(_clean(a.text))
            pairs = tuple((_clean(g.text), tuple(acts[id(g)])) for g in goals)
            out.append(Theme(_clean(section.title), pairs, source))
    if not out:
        raise RuntimeError(f"no sections with goals found in {SOURCES}")
    return tuple(out)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def municipalities() -> tuple[tuple[str, str], ...]:
    """(file-name slug, official name) of every municipality whose slug the build resolves."""
    from beleidsgraaf.extract.linking import municipality_slugs

    by_name: dict[str, str] = {}
    for slug, name in sorted(municipality_slugs().items()):
        if slug.isascii() and re.fullmatch(r"[a-z][a-z-]*", slug):
            by_name.setdefault(name, slug)
    return tuple(sorted((slug, name) for name, slug in by_name.items()))


def _words(text: str) -> int:
    return len(text.split())


def _rename(text: str, source: str, target: str) -> str:
    return re.sub(rf"\b{re.escape(source)}\b", target, text)


#: Budget pages are not all goals and activities: about half their words are introductions,
#: explanations of policy and money, and tables (measured with benchmarks/corpus_shape.py on
#: real pages: 46 % of the words outside goals and activities). The test texts the goals come
#: from are written to be full of names, so without prose a generated document would hold
#: some three times the entities per word of a real page.
PROSE = 0.4

#: Sentences of the project's own, for introductions: general wording, few names, as such
#: paragraphs of a budget are. Filled in with the document's municipality, theme and year.
_SENTENCES = (
    "In {year} heeft de gemeente de uitgaven voor {theme} opnieuw tegen het licht gehouden.",
    "Het aantal inwoners dat gebruikmaakt van deze voorzieningen is in vier jaar met {pct} "
    "procent gestegen.",
    "De kosten stijgen sneller dan de bijdrage die wij van het Rijk ontvangen.",
    "We verwachten dat de vraag naar ondersteuning de komende jaren verder toeneemt.",
    "Daarom kiezen we voor een aanpak die dichter bij de inwoner staat.",
    "Dit programma beschrijft wat we willen bereiken, wat we daarvoor doen en wat dat kost.",
    "De uitvoering ligt grotendeels bij onze eigen organisatie.",
    "In de tabel hieronder staan de lasten en baten van dit programma.",
    "De raming is gebaseerd op de realisatie van {prev} en de ontwikkelingen sindsdien.",
    "Voor {year} is {amount} euro extra beschikbaar gesteld voor {theme}.",
    "De gevolgen van de gestegen prijzen zijn in de begroting verwerkt.",
    "Ook de krapte op de arbeidsmarkt raakt de uitvoering van dit programma.",
    "We volgen de ontwikkelingen op de voet en rapporteren daarover in de tussentijdse "
    "rapportages.",
    "Het beleid voor {theme} is vastgesteld voor een periode van vier jaar.",
    "Na afloop evalueren we of de beoogde effecten zijn bereikt.",
    "Waar het kan, combineren we de middelen van verschillende budgetten.",
    "Inwoners, ondernemers en maatschappelijke organisaties denken mee over de invulling.",
    "De komende periode ligt de nadruk op voorkomen en vroeg signaleren.",
    "Dat vraagt om een andere manier van werken, ook binnen de gemeentelijke organisatie.",
    "De doelen zijn zo geformuleerd dat we de voortgang kunnen meten.",
    "In {count} wijken is de situatie minder gunstig dan gemiddeld.",
    "Het gaat daarbij om ongeveer {households} huishoudens.",
    "Een deel van de middelen is eenmalig en loopt in {next} af.",
    "Wij leggen hierover verantwoording af in de jaarstukken van {year}.",
    "De gemeente {name} werkt hierin samen met de buurgemeenten in de regio.",
    "De afgelopen jaren is veel bereikt, maar de opgave blijft groot.",
    "Dit vraagt keuzes, want het geld kan maar een keer worden uitgegeven.",
    "We sluiten aan bij wat er in de wijken al gebeurt.",
)


def _prose(rnd: random.Random, words: float, name: str, theme: str, year: int) -> list[str]:
    """Introduction paragraphs of about `words` words (one sentence more at most), two to five
    sentences a paragraph."""
    paragraphs: list[list[str]] = []
    size, length = 0, 0
    while size < words:
        if not paragraphs or len(paragraphs[-1]) == length:
            paragraphs.append([])
            length = rnd.randint(2, 5)
        sentence = rnd.choice(_SENTENCES).format(
            name=name, theme=theme.lower(), year=year, prev=year - 2, next=year + 2,
            pct=rnd.randint(3, 40), amount=f"{rnd.randint(1, 90) * 10_000:,}".replace(",", "."),
            count=rnd.randint(2, 9), households=rnd.randint(2, 90) * 100,
        )  # fmt: skip
        paragraphs[-1].append(sentence)
        size += _words(sentence)
    return [" ".join(p) for p in paragraphs]


def document(
    index: int, seed: int = 0, tokens: int = 4000, prose: float = PROSE
) -> tuple[str, str]:
    """The file name and text of generated document `index` (deterministic in seed, index);
    `prose` is the share of words in introductions rather than in goals and activities."""
    rnd = random.Random(f"beleidsgraaf-corpus-{seed}-{index}")
    pool = themes()
    slug, name = municipalities()[(index * 7 + seed) % len(municipalities())]
    year = 2015 + rnd.randrange(10)
    kind = rnd.choice(KINDS)
    layout = LAYOUTS[index % len(LAYOUTS)]
    target = int(tokens * rnd.uniform(0.5, 1.5))
    programmes: list[tuple[str, list[tuple[str, list[str]]], list[str]]] = []
    size = 0
    while size < target:
        theme = rnd.choice(pool)
        goals = list(theme.goals)
        rnd.shuffle(goals)
        goals = goals[: rnd.randint(1, len(goals))]
        chosen = []
        for goal, acts in goals:
            acts = [_rename(a, theme.municipality, name) for a in acts]
            if len(acts) > 1:
                acts = rnd.sample(acts, rnd.randint(1, len(acts)))
            chosen.append((_rename(goal, theme.municipality, name), acts))
        listed = sum(_words(g) + sum(map(_words, a)) for g, a in chosen)
        intro = _prose(rnd, listed * prose / (1 - prose), name, theme.title, year) if prose else []
        programmes.append((theme.title, chosen, intro))
        size += listed + sum(map(_words, intro)) + _words(theme.title)
        size += _OVERHEAD[layout]  # the headings each programme gets
    title = f"{kind.capitalize()} {year} gemeente {name}"
    text = (_numbered if layout == "numbered" else _webpage)(title, programmes, rnd)
    text += f"\nDocumentkenmerk {seed}-{index}.\n"  # distinct content even if the draw repeats
    return f"{slug}-{kind}-{year}-{index:05d}.txt", text


_OVERHEAD = {"numbered": 10, "webpage": 30}


def _numbered(title: str, programmes, rnd: random.Random) -> str:
    lines = [title, ""]
    for p, (heading, goals, intro) in enumerate(programmes, 1):
        lines += [f"{p} {heading}", ""]
        for paragraph in intro:
            lines += [paragraph, ""]
        lines += ["Wat willen we bereiken?", ""]
        for g, (goal, _) in enumerate(goals, 1):
            lines += [f"{p}.{g} {goal}", ""]
        lines += ["Wat gaan we daarvoor doen?", ""]
        for g, (_, acts) in enumerate(goals, 1):
            lines += [f"{p}.{g}.{a} {act}" for a, act in enumerate(acts, 1)]
        lines.append("")
    return "\n".join(lines)


def _webpage(title: str, programmes, rnd: random.Random) -> str:
    lines = [title, ""]
    for p, (heading, goals, intro) in enumerate(programmes, 1):
        lines += [f"Terug naar navigatie - Programma {p} - {heading}", ""]
        lines += [f"Programma {p} | {heading}", ""]
        if intro:
            lines += ["Inleiding", ""]
        for paragraph in intro:
            lines += [paragraph, ""]
        lines += ["Wat willen we bereiken?", ""]
        for goal, _ in goals:
            lines += [goal, ""]
        lines += ["Wat gaan we daarvoor doen?", ""]
        for _, acts in goals:
            for act in acts:
                lines += [act, ""]
        costs = [rnd.randrange(100, 99_000) for _ in range(3)]
        lines += ["Wat mag het kosten?", "", "Bedragen x € 1.000", "LastenBatenSaldo"]
        lines += ["-".join(f"{c:,}".replace(",", ".") for c in costs), "", "Lees meer", ""]
    return "\n".join(lines)


def write_corpus(
    folder: Path, n: int, seed: int = 0, tokens: int = 4000, prose: float = PROSE
) -> list[Path]:
    """Write documents 0..n-1 into `folder` (created); returns their paths, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        name, text = document(i, seed, tokens, prose)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path, help="folder to write the documents into")
    p.add_argument("--docs", type=int, default=100, help="number of documents (100)")
    p.add_argument("--seed", type=int, default=0, help="same seed, same files (0)")
    p.add_argument("--tokens", type=int, default=4000, help="mean words per document (4000)")
    p.add_argument(
        "--prose",
        type=float,
        default=PROSE,
        help=f"share of words in introductions, not goals and activities ({PROSE}; 0: none)",
    )
    args = p.parse_args(argv)
    if args.docs < 1 or args.tokens < 50 or not 0 <= args.prose < 0.9:
        print(
            "error: --docs must be 1 or more, --tokens 50 or more, --prose from 0 to 0.9",
            file=sys.stderr,
        )
        return 2
    paths = write_corpus(args.out, args.docs, args.seed, args.tokens, args.prose)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"{len(paths)} documents, {words:,} words, in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
