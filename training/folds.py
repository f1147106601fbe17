"""Municipality-held-out figures for the policy-text NER (training/config_realdev.cfg).

For each of k folds of whole municipalities (sorted names, every k-th one in a fold):

  1. train the NER of config_realdev.cfg on CoNLL-2002 (LOC -> PLACE) plus the realdev DocBins
     of every other municipality (``--repeat`` copies each, to weight real policy text up);
  2. put the trained NER into the shipped pipeline (same frozen tok2vec, tagger and lemmatizer);
  3. build the fold's documents with that pipeline and score them with the reference scorer
     (../shared/eval/score_corpus.py, through the CLI as users run it).

Micro totals over all folds (tp/fp/fn summed per type) go to training/output/folds.md beside
the shipped pipeline's figure on the same documents (it never saw realdev: already held-out).

    python training/folds.py                       # k=5, convert first
    python training/folds.py --folds 0 --max-steps 800   # one quick fold
    python training/folds.py --table-only          # rewrite the table from the fold outputs

Folds run one after another, on ``--threads`` BLAS threads (1 by default: a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

TRAINING = Path(__file__).resolve().parent
ROOT = TRAINING.parent
CORPUS = TRAINING / "corpus"
OUTPUT = TRAINING / "output"
SHIPPED = ROOT / "extract" / "model" / "nl_beleidsgraaf"
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score_corpus.py"
CLI = Path(sys.executable).with_name("beleidsgraaf")
CORE = ("Organisation", "Law", "Place")
TYPES = ("Organisation", "Law", "Place", "Instrument", "relations")
CONLL_MAP = {"LOC": "PLACE"}  # PER, ORG, MISC stay; see config_realdev.cfg

sys.path.insert(0, str(TRAINING))
import convert_realdev  # noqa: E402


def conll_policy(corpora: Path, corpus: Path = CORPUS) -> dict[str, Path]:
    """CoNLL-2002 train/testa/testb as DocBins with LOC renamed PLACE (made once)."""
    from convert import convert
    from spacy.tokens import DocBin, Span
    from spacy.vocab import Vocab

    out = {}
    for part, name in (("train", "ned.train"), ("dev", "ned.testa"), ("test", "ned.testb")):
        target = corpus / "conll-policy" / f"{part}.spacy"
        out[part] = target
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = corpus / "conll-policy" / f"{part}.raw.spacy"
        convert(corpora / "conll2002-nl" / name, raw, "ner", n_sents=10)
        vocab = Vocab()
        docs = list(DocBin().from_disk(raw).get_docs(vocab))
        for doc in docs:
            doc.ents = [
                Span(doc, e.start, e.end, label=CONLL_MAP.get(e.label_, e.label_)) for e in doc.ents
            ]
        DocBin(docs=docs, store_user_data=False).to_disk(target)
        raw.unlink()
    return out


def fold_towns(towns: list[str], k: int) -> list[list[str]]:
    return [towns[i::k] for i in range(k)]


def _env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    return env


def train(
    train_towns: list[str],
    out: Path,
    conll: dict[str, Path],
    repeat: int,
    max_steps: int,
    threads: int,
    extra: list[str] = (),
    config: str = "config_realdev.cfg",
    base: Path = SHIPPED,
) -> Path:
    """Train config_realdev.cfg on CoNLL + the given towns' DocBins; returns model-last."""
    data = out / "train"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    shutil.copyfile(conll["train"], data / "conll-train.spacy")
    for town in train_towns:
        for r in range(repeat):
            shutil.copyfile(CORPUS / "realdev" / f"{town}.spacy", data / f"{town}.{r}.spacy")
    cmd = [
        sys.executable, "-m", "spacy", "train", str(TRAINING / config),
        "--code", str(TRAINING / "callbacks.py"),
        "--output", str(out / "model"),
        "--paths.train", str(data),
        "--paths.dev", str(conll["dev"]),
        "--paths.base_model", str(base),
        "--training.max_steps", str(max_steps),
        *extra,
    ]  # fmt: skip
    log = out / "train.log"
    t0 = time.time()
    with open(log, "w") as fh:
        if subprocess.run(cmd, env=_env(threads), stdout=fh, stderr=subprocess.STDOUT).returncode:
            sys.exit(f"training failed, see {log}")
    print(f"  trained in {time.time() - t0:.0f} s ({log})", flush=True)
    shutil.rmtree(data)
    return out / "model" / "model-last"


def assemble(trained: Path, out: Path, base: Path = SHIPPED) -> Path:
    """The shipped pipeline with its NER replaced by the trained one."""
    import callbacks  # noqa: F401  (registers the tokenizer callback of the trained config)
    import spacy
    from beleidsgraaf.extract.language import load_nlp

    nlp = load_nlp(base, fresh=True)
    source = spacy.load(trained)
    nlp.remove_pipe("ner")
    if "tok2vec_ner" in source.pipe_names:  # the fine-tuned variant: the NER's own encoder
        nlp.add_pipe("tok2vec_ner", source=source, after="tok2vec")
    after = "tok2vec_ner" if "tok2vec_ner" in nlp.pipe_names else "tok2vec"
    nlp.add_pipe("ner", source=source, after=after)
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    return out


def score(
    model: Path | None, docs: list[tuple[str, Path, Path]], out: Path, ablate: str = ""
) -> dict:
    """Build and score the documents with the reference scorer; its JSON result. ``ablate``:
    parts of the rules to leave out (extract.components.ABLATIONS, comma-separated)."""
    folder = out / "docs"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for _base, txt, gold in docs:
        (folder / txt.name).symlink_to(txt)
        (folder / gold.name).symlink_to(gold)
    result = out / "score.json"
    cmd = [sys.executable, str(SCORER), str(folder), "--cli", str(CLI), "--json", str(result)]
    cmd += ["--build-arg=--allow-unstructured"]
    if model is not None:
        cmd += ["--build-arg=--spacy-model", f"--build-arg={model}"]
    env = _env(1)
    env["BELEIDSGRAAF_ABLATE"] = ablate
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)
    (out / "score.txt").write_text(run.stdout + run.stderr, encoding="utf-8")
    if run.returncode:
        sys.exit(f"scoring failed, see {out / 'score.txt'}")
    return json.loads(result.read_text(encoding="utf-8"))


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def totals(results: list[dict]) -> dict[str, tuple[int, int, int]]:
    tot = {k: [0, 0, 0] for k in TYPES}
    for result in results:
        for doc in result["documents"].values():
            for k in TYPES:
                for i, f in enumerate(("tp", "fp", "fn")):
                    tot[k][i] += doc[k][f]
    tot["core"] = [sum(tot[k][i] for k in CORE) for i in range(3)]
    return {k: tuple(v) for k, v in tot.items()}


def table(folds: list[dict], baseline: dict | None, title: str) -> str:
    cols = ("core", *TYPES)
    lines = [f"### {title}", "", "| | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]

    def row(name: str, tot: dict) -> str:
        cells = [f"{_prf(*tot[c])[2]:.3f}" for c in cols]
        return f"| {name} | " + " | ".join(cells) + " |"

    for fold in folds:
        lines.append(row(f"fold {fold['fold']} ({', '.join(fold['towns'])})", totals([fold])))
    micro = totals(folds)
    lines.append(row("**micro, held-out (trained NER)**", micro))
    if baseline is not None:
        lines.append(row("shipped model, same documents", totals([baseline])))
    p, r, f = _prf(*micro["core"])
    lines += ["", f"Core micro (trained NER): P {p:.3f} R {r:.3f} F {f:.3f}."]
    per_town = []
    for fold in folds:
        for name, doc in fold["documents"].items():
            per_town.append((doc["entities_core"]["f1"], name))
    worst = sorted(per_town)[:3]
    lines.append("Lowest documents (core F1): " + ", ".join(f"{n} {v:.3f}" for v, n in worst) + ".")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--realdev", type=Path, default=SHARED / "realdev")
    ap.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    ap.add_argument("-k", type=int, default=5)
    ap.add_argument("--folds", type=int, nargs="*", help="run only these folds (0-based)")
    ap.add_argument("--repeat", type=int, default=3, help="copies of each realdev DocBin")
    ap.add_argument("--max-steps", type=int, default=1500)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--name", default="folds", help="output folder/table under training/output")
    ap.add_argument("--config", default="config_realdev.cfg", help="training config in training/")
    ap.add_argument("--no-convert", action="store_true", help="reuse training/corpus/realdev")
    ap.add_argument("--table-only", action="store_true")
    ap.add_argument("spacy_args", nargs="*", help="extra spacy train overrides after --")
    args = ap.parse_args(argv)

    out_root = OUTPUT / args.name
    out_root.mkdir(parents=True, exist_ok=True)
    docs = convert_realdev.documents(args.realdev)
    by_town: dict[str, list] = {}
    for item in docs:
        by_town.setdefault(convert_realdev.municipality(item[0]), []).append(item)
    folds = fold_towns(sorted(by_town), args.k)
    if not args.table_only:
        if not args.no_convert:
            convert_realdev.convert_all(args.realdev, CORPUS / "realdev", quiet=True)
        conll = conll_policy(args.corpora)
        baseline_path = OUTPUT / "baseline" / "score.json"
        if not baseline_path.exists():
            score(None, docs, baseline_path.parent)
        for i, towns in enumerate(folds):
            if args.folds and i not in args.folds:
                continue
            print(f"fold {i}: {', '.join(towns)}", flush=True)
            fold_dir = out_root / f"fold{i}"
            rest = [t for t in by_town if t not in towns]
            trained = train(
                rest,
                fold_dir,
                conll,
                args.repeat,
                args.max_steps,
                args.threads,
                list(args.spacy_args),
                args.config,
            )
            model = assemble(trained, fold_dir / "pipeline")
            result = score(model, [d for t in towns for d in by_town[t]], fold_dir)
            result.update({"fold": i, "towns": towns})
            (fold_dir / "fold.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
            core = _prf(*totals([result])["core"])[2]
            print(f"  fold {i} core F1 {core:.3f}", flush=True)
    results = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(out_root.glob("fold*/fold.json"))
    ]
    baseline_path = OUTPUT / "baseline" / "score.json"
    baseline = json.loads(baseline_path.read_text()) if baseline_path.exists() else None
    if baseline is not None and results:  # the shipped model on the folds' documents only
        names = {n for r in results for n in r["documents"]}
        baseline = {"documents": {n: d for n, d in baseline["documents"].items() if n in names}}
    title = (
        f"{args.name}: k={args.k} municipality folds, realdev x{args.repeat}, "
        f"{args.max_steps} steps, {args.config}"
    )
    text = table(results, baseline, title)
    (OUTPUT / f"{args.name}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
