"""Rebuild the project's Dutch spaCy pipeline ``extract/model/nl_beleidsgraaf``.

Steps (all by default, or pick some with ``--steps``):

  convert   CoNLL-2002 + UD CoNLL-U -> training/corpus/*.spacy, and the joint training and
            selection sets training/corpus/joint-{train,dev}/
  train     spacy train config_joint.cfg: one shared tok2vec for ner, morphologizer and
            lemmatizer, trained on both corpora at once (-> training/output/joint)
  assemble  source the trained components into one pipeline (training/config.cfg), add the
            policy-text tokenizer rules and the sentence-break component
            (-> training/output/nl_beleidsgraaf)
  policy    the NER for policy text: realdev gold keys projected onto the text the pipeline
            reads (convert_realdev.py) + CoNLL-2002, config_realdev_finetune.cfg (its own
            tok2vec, started from the assembled one); replaces the CoNLL-only NER in
            training/output/nl_beleidsgraaf (labels ORG/LAW/PLACE/INSTRUMENT/PER/MISC)
  evaluate  NER on ned.testb, POS/morph/lemma/LAS on nl_alpino-ud-test; scores go into
            meta.json "performance" (-> training/output/scores.json)
  package   copy the assembled model into extract/model/nl_beleidsgraaf with a model card

Run from anywhere:  python training/train.py [--corpora DIR] [--threads N] [--steps ...]
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
MODEL_DIR = ROOT / "extract" / "model" / "nl_beleidsgraaf"
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"

sys.path.insert(0, str(TRAINING))
from convert import convert  # noqa: E402

MODEL_NAME = "beleidsgraaf"
MODEL_VERSION = "0.1.0"


def corpus_paths(args: argparse.Namespace) -> dict[str, Path]:
    c = Path(args.corpora)
    ner = Path(args.ner_dir) if args.ner_dir else c / "conll2002-nl"
    ud = Path(args.ud_dir) if args.ud_dir else c / "ud-dutch"
    return {
        "ner-train": ner / "ned.train",
        "ner-dev": ner / "ned.testa",
        "ner-test": ner / "ned.testb",
        "ud-train": ud / "nl_lassysmall-ud-train.conllu",
        "ud-dev": ud / "nl_alpino-ud-dev.conllu",
        "ud-test": ud / "nl_alpino-ud-test.conllu",
    }


def step_convert(args: argparse.Namespace) -> None:
    paths = corpus_paths(args)
    for src in paths.values():
        if not src.exists():
            sys.exit(f"corpus file not found: {src} (see /work/shared/corpora/README.md)")
    ud_dir = paths["ud-train"].parent
    extra = [ud_dir / "nl_lassysmall-ud-dev.conllu", ud_dir / "nl_lassysmall-ud-test.conllu"]
    for key, src in paths.items():
        kind = key.split("-")[0]
        sources: Path | list[Path] = src
        exclude: list[Path] = []
        if key == "ud-train" and not args.ud_train_only:
            # The LassySmall train split here is an old UD v1 release (converted to v2 labels
            # by convert.py); add the current (v2) LassySmall dev and test splits, and drop
            # old train sentences that reappear in any dev/test file. Alpino test stays held
            # out for the reported scores; Alpino dev is split below (joint_sets).
            sources = [src, *[p for p in extra if p.exists()]]
            exclude = [*extra, paths["ud-dev"], paths["ud-test"]]
        n = convert(sources, CORPUS / f"{key}.spacy", kind, n_sents=10, exclude=exclude)
        print(f"converted {sources} -> {CORPUS / f'{key}.spacy'} ({n} docs)")
    joint_sets()


# The joint run reads every .spacy file of a folder (spacy.Corpus.v1 takes a directory). Half
# of the Alpino dev docs (every other one) join the training data, the other half selects the
# model together with ned.testa: the reported test sets (ned.testb, Alpino test) stay unseen.
JOINT = {
    "joint-train": ["ner-train", "ud-train", "ud-dev-train"],
    "joint-dev": ["ner-dev", "ud-dev-select"],
}


def joint_sets(corpus: Path = CORPUS) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    docs = list(DocBin().from_disk(corpus / "ud-dev.spacy").get_docs(Vocab()))
    for name, part in (("ud-dev-train", docs[0::2]), ("ud-dev-select", docs[1::2])):
        DocBin(docs=part, store_user_data=False).to_disk(corpus / f"{name}.spacy")
    for folder, parts in JOINT.items():
        target = corpus / folder
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for part in parts:
            shutil.copyfile(corpus / f"{part}.spacy", target / f"{part}.spacy")
        print(f"{target}: {', '.join(parts)}")


def _train_cmd(cfg: str, out: str, train: str, dev: str, extra: list[str]) -> list[str]:
    return [
        sys.executable, "-m", "spacy", "train", str(TRAINING / cfg),
        "--output", str(OUTPUT / out),
        "--paths.train", str(CORPUS / train),
        "--paths.dev", str(CORPUS / dev),
        *extra,
    ]  # fmt: skip


def step_train(args: argparse.Namespace) -> None:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(args.threads)
    cmd = _train_cmd(
        "config_joint.cfg", "joint", "joint-train", "joint-dev", list(args.spacy_args or [])
    )
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log_path = OUTPUT / "joint.log"
    print("running:", " ".join(cmd), f"> {log_path}")
    t0 = time.time()
    with open(log_path, "w") as log:
        if subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT).returncode != 0:
            sys.exit(f"training failed, see {log_path}")
    print(f"training done in {time.time() - t0:.0f} s")


def step_assemble(args: argparse.Namespace) -> Path:
    import spacy

    # registers the bg_sentence_breaks factory and provides the tokenizer rules
    from beleidsgraaf.extract.language import customize_tokenizer
    from spacy.util import load_config

    config = load_config(
        TRAINING / "config.cfg",
        overrides={"paths.trained": str(Path(args.model or OUTPUT / "joint" / "model-best"))},
        interpolate=False,
    )
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    customize_tokenizer(nlp)
    nlp.meta.update(
        {
            "name": MODEL_NAME,
            "version": MODEL_VERSION,
            "description": (
                "Dutch pipeline for municipal policy text (project beleidsgraaf): policy-text "
                "tokenizer and sentence breaks, NER (PER/ORG/LOC/MISC, CoNLL-2002), UPOS + "
                "morphology and trainable lemmatizer (UD Dutch). CPU, no static vectors."
            ),
            "author": "beleidsgraaf project",
            "license": "CC BY-SA 4.0 (UD-derived components); CoNLL-2002 data: research use",
            "sources": [
                {
                    "name": "CoNLL-2002 shared task, Dutch (De Morgen 2000)",
                    "url": "https://www.clips.uantwerpen.be/conll2002/ner/",
                    "author": "Erik F. Tjong Kim Sang",
                    "license": "free for research use",
                },
                {
                    "name": "UD Dutch LassySmall (train, dev, test) and Alpino (dev/test)",
                    "url": "https://universaldependencies.org/",
                    "license": "CC BY-SA 4.0",
                },
            ],
        }
    )
    out = OUTPUT / "nl_beleidsgraaf"
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    print(f"assembled {nlp.pipe_names} -> {out}")
    return out


POLICY_STEPS = 3000  # measured in training/folds.py (docs/quality.md)
POLICY_REPEAT = 3


def step_policy(args: argparse.Namespace) -> None:
    import folds

    base = OUTPUT / "nl_beleidsgraaf"
    if not base.exists():  # only this step asked for: start from the shipped pipeline
        shutil.copytree(MODEL_DIR, base)
    realdev = Path(args.realdev)
    if not realdev.is_dir():
        sys.exit(f"realdev folder not found: {realdev} (see /work/shared/realdev/README.md)")
    import convert_realdev

    convert_realdev.convert_all(realdev, CORPUS / "realdev", quiet=True)
    conll = folds.conll_policy(Path(args.corpora))
    towns = sorted(p.stem for p in (CORPUS / "realdev").glob("*.spacy"))
    out = OUTPUT / "policy"
    out.mkdir(parents=True, exist_ok=True)
    trained = folds.train(
        towns,
        out,
        conll,
        POLICY_REPEAT,
        POLICY_STEPS,
        args.threads,
        config="config_realdev_finetune.cfg",
        base=base,
    )
    tmp = OUTPUT / "nl_beleidsgraaf.policy"
    folds.assemble(trained, tmp, base=base)
    shutil.rmtree(base)
    tmp.rename(base)
    print(f"policy NER ({len(towns)} municipalities) -> {base}")


def evaluate_model(model: Path, corpus_dir: Path = CORPUS) -> dict[str, float]:
    import beleidsgraaf.extract.language  # noqa: F401  (registers bg_sentence_breaks)
    import spacy
    from spacy.training import Corpus

    nlp = spacy.load(model)
    scores: dict[str, float] = {}
    t0 = time.time()
    test = corpus_dir / "ner-test.spacy"
    if "PLACE" in nlp.get_pipe("ner").labels:  # the policy NER: CoNLL's LOC is PLACE
        test = corpus_dir / "conll-policy" / "test.spacy"
    ner = nlp.evaluate(Corpus(test)(nlp), batch_size=64)
    for k in ("ents_f", "ents_p", "ents_r"):
        scores[k] = round(float(ner[k]), 4)
    scores["ents_per_type"] = {
        label: {k: round(float(v), 4) for k, v in d.items()}
        for label, d in (ner.get("ents_per_type") or {}).items()
    }
    ud = nlp.evaluate(Corpus(corpus_dir / "ud-test.spacy")(nlp), batch_size=64)
    keys = ["pos_acc", "morph_acc", "lemma_acc"]
    if "parser" in nlp.pipe_names:
        keys += ["dep_uas", "dep_las"]
    for k in keys:
        if ud.get(k) is not None:
            scores[k] = round(float(ud[k]), 4)
    print(f"evaluated in {time.time() - t0:.0f} s")
    return scores


def step_evaluate(args: argparse.Namespace) -> dict:
    model = OUTPUT / "nl_beleidsgraaf"
    scores = evaluate_model(model)
    scores_meta = {
        "ents_f": scores["ents_f"],
        "ents_p": scores["ents_p"],
        "ents_r": scores["ents_r"],
        "ents_per_type": scores["ents_per_type"],
        "pos_acc": scores.get("pos_acc"),
        "morph_acc": scores.get("morph_acc"),
        "lemma_acc": scores.get("lemma_acc"),
        "evaluated_on": {
            "ents": "CoNLL-2002 Dutch ned.testb",
            "pos/morph/lemma": "UD Dutch nl_alpino-ud-test.conllu",
        },
    }
    if "dep_las" in scores:
        scores_meta["dep_uas"] = scores.get("dep_uas")
        scores_meta["dep_las"] = scores.get("dep_las")
    scores_meta = {k: v for k, v in scores_meta.items() if v is not None}
    meta_path = model / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["performance"] = scores_meta
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    (OUTPUT / "scores.json").write_text(json.dumps(scores_meta, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in scores_meta.items() if k != "ents_per_type"}, indent=2))
    return scores_meta


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}"


def write_model_card(model: Path) -> None:
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    perf = meta.get("performance", {})
    per_type = perf.get("ents_per_type", {})
    rows = "\n".join(
        f"| {lab} | {_fmt(d.get('p'))} | {_fmt(d.get('r'))} | {_fmt(d.get('f'))} |"
        for lab, d in sorted(per_type.items())
    )
    template = (TRAINING / "MODEL_CARD.md").read_text(encoding="utf-8")
    card = template.format(
        pipeline=", ".join(f"`{p}`" for p in meta.get("pipeline", [])),
        spacy_version=meta.get("spacy_version", ""),
        ents_p=_fmt(perf.get("ents_p")),
        ents_r=_fmt(perf.get("ents_r")),
        ents_f=_fmt(perf.get("ents_f")),
        per_type=rows,
        pos_acc=_fmt(perf.get("pos_acc")),
        morph_acc=_fmt(perf.get("morph_acc")),
        lemma_acc=_fmt(perf.get("lemma_acc")),
    )
    (model / "README.md").write_text(card, encoding="utf-8")


def step_package(args: argparse.Namespace) -> None:
    src = OUTPUT / "nl_beleidsgraaf"
    if MODEL_DIR.exists():
        shutil.rmtree(MODEL_DIR)
    shutil.copytree(src, MODEL_DIR)
    write_model_card(MODEL_DIR)
    size = sum(f.stat().st_size for f in MODEL_DIR.rglob("*") if f.is_file())
    print(f"packaged -> {MODEL_DIR} ({size / 1e6:.1f} MB)")


STEPS = {
    "convert": step_convert,
    "train": step_train,
    "assemble": step_assemble,
    "policy": step_policy,
    "evaluate": step_evaluate,
    "package": step_package,
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--corpora", default=str(DEFAULT_CORPORA), help="folder with conll2002-nl/ and ud-dutch/"
    )
    ap.add_argument("--ner-dir", help="folder with ned.train/ned.testa/ned.testb")
    ap.add_argument("--ud-dir", help="folder with the UD Dutch .conllu files")
    ap.add_argument(
        "--ud-train-only",
        action="store_true",
        help="train UD components on the LassySmall train split only",
    )
    ap.add_argument(
        "--realdev", default=str(ROOT.parent / "shared" / "realdev"), help="gold-keyed pages"
    )
    ap.add_argument("--steps", nargs="+", choices=list(STEPS), default=list(STEPS))
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for the training run")
    ap.add_argument(
        "--model", help="trained pipeline to assemble (default output/joint/model-best)"
    )
    ap.add_argument(
        "spacy_args",
        nargs="*",
        help="extra overrides for spacy train, after --, e.g. -- --training.max_steps 500",
    )
    args = ap.parse_args(argv)  # fmt: skip
    for name in args.steps:
        t0 = time.time()
        print(f"== {name}")
        STEPS[name](args)
        print(f"== {name} done in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
