"""Write a synthetic Obsidian vault of paper-reading sessions, in the seed's shape.

    python benchmarks/generate.py OUT_DIR --sessions 1000 --seed 1

The vault has ``.obsidian/``, ``sessions/YYYY-MM-DD[-k].md`` (tl;dr, Context, Done,
Learned, Next?, Log with 2-6 ``- [verb(@key)]`` actions and nested bullets), paper notes
``papers/@key.md`` for a subset of the keys, tiny PNGs in ``asset/`` and a Better BibTeX
``references.bib``.  Everything is clean except a known, seed-determined set of planted
problems -- dangling citekeys (VK201) and missing assets (VK202) -- whose exact positions
are written to ``OUT_DIR/planted.json``.  Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import struct
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SURNAMES = """vaswani devlin radford brown rombach ho song kingma goodfellow hinton lecun bengio
sutskever karpathy he dosovitskiy touvron raffel chowdhery hoffmann kaplan ouyang christiano
schick wei chen zhang li wang liu yang zhao hu lester houlsby pfeiffer alayrac driess
tancik mildenhall dupont park sitzmann chung rae lewis borgeaud izacard guu""".split()
WORDS = """Attention Diffusion Latent Contrastive Sparse Scaling Modular Efficient Robust
Neural Implicit Visual Language Multimodal Generative Adversarial Variational Autoregressive
Transformer Memory Retrieval Reasoning Alignment Preference Reward Policy Gradient Kernel
Manifold Graph Geometric Equivariant Compositional Causal Emergent Continual Federated
Distillation Quantization Pruning Adapter Prompt Instruction Feedback Representation Energy
Score Flow Token Patch Mixture Expert Routing Hierarchical Recurrent Convolutional""".split()
TEMPLATES = ["{a} {b} for {c} {d}", "{a} {b} Are {c} Learners", "Towards {a} {b} with {c} {d}",
             "On the {a} of {b} {c}", "{a} {b}: {c} {d} at Scale", "Learning {a} {b} from {c} {d}"]
FIRSTS = "Ashish Jacob Alec Tom Robin Jonathan Yang Diederik Ian Geoffrey Yann Yoshua Ilya".split()
VENUES = ["Advances in Neural Information Processing Systems",
          "International Conference on Learning Representations",
          "International Conference on Machine Learning",
          "Conference on Computer Vision and Pattern Recognition"]

TLDR = ["A {v} of {t}; the ablations are what matter.", "Mostly skimming today, one paper stuck.",
        "Finally understood why {t} works at all.", "Comparing two takes on {t}.",
        "Short session between meetings, {t} again."]
CONTEXT = ["Fresh out of {c}. Dig deeper.", "Coming back to {t} after a week away.",
           "Someone in the reading group brought up {c}; checking the claims.",
           "Doom skimming papers beats doom scrolling. Keeping the best hour for real work.",
           "Following the references of {c} backwards."]
DONE = ["Went through the method section and the main table.", "Re-derived the loss on paper.",
        "Ran the official notebook on a small subset.", "Wrote a summary for the group."]
LEARNED = ["The baseline was under-tuned; most of the gain is the schedule.",
           "Scale helps, but the data mix helps more.", "The trick is a change of basis, nothing more.",
           "Frozen backbones carry most of the representation."]
NEXT = ["Try it on the toy dataset.", "Read the follow-up by the same group.",
        "Ask in the reading group whether the ablation is fair.", "Nothing urgent; keep skimming."]
QUOTES = ["\"We show that increasing model width and depth accelerates convergence.\"",
          "\"A single linear projection is enough to transfer image representations to a frozen LM.\"",
          "\"Our method matches full fine-tuning while training less than one percent of the weights.\"",
          "\"The gains vanish when the baselines are tuned with the same budget.\""]
THOUGHTS = ["Like a baby pruning neurons while growing up.", "This is very `functa`, semantic PCA as levers.",
            "Black box models are great, but modular ones are how you decentralise.",
            "Not sure the comparison is fair; different data.", "The figure says more than the text.",
            "Worth reproducing on a small scale.", "Linear maps are a change of viewpoint, nothing more.",
            "Was studying `PEFT` and thinking about adapters for frozen backbones."]
QUESTIONS = ["Does this hold below a billion parameters?", "Why does the schedule matter so much?",
             "Would a frozen text tower work as well?", "Is the gain from data or from the architecture?"]
EUREKAS = ["The adapter is just a low-rank update of the attention.",
           "The two latent spaces share a coordinate system.", "It is distillation in disguise."]


@dataclass(frozen=True)
class Planted:
    code: str
    path: str
    line: int
    column: int
    what: str


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


class Generator:
    def __init__(self, sessions: int, seed: int) -> None:
        self.n = sessions
        self.rng = random.Random(seed)
        self.titles: dict[str, str] = {}
        self.years: dict[str, int] = {}
        self.surnames: dict[str, str] = {}
        self.keys = self._key_pool(max(50, sessions // 2))
        self.known = set(self.keys)
        self.weights = [1 / (i + 1) ** 0.4 for i in range(len(self.keys))]  # a few papers come back often
        self.assets = [f"fig{i}.png" for i in range(max(20, sessions // 10))]
        self.planted: list[Planted] = []

    def _key_pool(self, size: int) -> list[str]:
        keys: list[str] = []
        while len(keys) < size:
            a, b, c, d = self.rng.sample(WORDS, 4)
            title = self.rng.choice(TEMPLATES).format(a=a, b=b, c=c, d=d)
            year = self.rng.randint(2015, 2024)
            significant = [w for w in title.replace(":", "").split() if w not in ("for", "Are", "Towards", "On", "the", "of", "with", "at", "from")]
            surname = self.rng.choice(SURNAMES)
            key = surname + "".join(significant[:3]) + str(year)
            if key not in self.titles:
                self.titles[key], self.years[key], self.surnames[key] = title, year, surname
                keys.append(key)
        return keys

    def cite(self) -> str:
        return self.rng.choices(self.keys, self.weights)[0]

    def dangling_key(self) -> str:
        """A key nobody knows: a typo of a known key, or an invented one."""
        while True:
            if self.rng.random() < 0.5:
                base = self.rng.choice(self.keys)
                i = self.rng.randrange(1, len(base) - 4)
                key = base[:i] + self.rng.choice("aeiouxz") + base[i + 1 :]
            else:
                key = "smith" + "".join(self.rng.sample(WORDS, 3)) + str(self.rng.randint(2015, 2024))
            if key not in self.known:
                return key

    # -- sessions -------------------------------------------------------------------
    def session_paths(self) -> list[str]:
        day, paths = dt.date(2015, 1, 1), list[str]()
        while len(paths) < self.n:
            per_day = self.rng.choices([1, 2, 3], [0.8, 0.15, 0.05])[0]
            for k in range(1, per_day + 1):
                paths.append(f"sessions/{day.isoformat()}{'' if k == 1 else f'-{k}'}.md")
            day += dt.timedelta(days=self.rng.randint(1, 2))
        return paths[: self.n]

    def session(self, path: str, previous: str | None, plants: list[str]) -> str:
        r = self.rng
        lines: list[str] = []
        actions = [self.cite() for _ in range(r.randint(2, 6))]
        topic = self.titles[actions[0]].lower()
        fill = {"t": topic, "v": r.choice(["skim", "read", "deep read"]), "c": "@" + self.cite()}

        def plant(code: str, text: str, marker: str, what: str) -> str:
            column = text.index(marker) + 1
            self.planted.append(Planted(code, path, len(lines) + 1, column, what))
            return text

        lines += ["## tl;dr", r.choice(TLDR).format(**fill), "", "## Context"]
        lines.append("- " + r.choice(CONTEXT).format(**fill))
        if previous is not None and r.random() < 0.3:
            lines.append(f"- Continues [[{Path(previous).stem}]].")
        for _ in range(plants.count("context")):
            key = self.dangling_key()
            lines.append(plant("VK201", f"- Someone recommended @{key} as background.", "@", f"@{key}"))
        lines += ["", "## Done", "- " + r.choice(DONE), "", "## Learned", "- " + r.choice(LEARNED),
                  "", "## Next?", "- " + r.choice(NEXT), "", "## Log"]
        log_plants = [p for p in plants if p != "context"]
        for n, key in enumerate(actions):
            verb = r.choice(["skim", "skim", "read", "deep-read"])
            lines.append(f"- [{verb}(@{key})]")
            if r.random() < 0.3:
                lines.append(f"  - ![](../asset/{r.choice(self.assets)})" if r.random() < 0.5
                             else f"  - ![[{r.choice(self.assets)}]]")
            lines.append("  - " + r.choice(QUOTES))
            for _ in range(r.randint(1, 3)):
                depth = r.randint(1, 3)  # nested bullets, one to three levels under the action
                for level in range(1, depth + 1):
                    lines.append("  " * level + "- " + r.choice(THOUGHTS))
            tag = r.random()
            if tag < 0.25:
                lines.append(f"  - [question -> {r.choice(QUESTIONS)}]")
            elif tag < 0.4:
                lines.append(f"  - [eureka -> {r.choice(EUREKAS)}]")
            elif tag < 0.55:
                lines += ["  - [soliloquy ->]", "    - " + r.choice(THOUGHTS), "    - " + r.choice(THOUGHTS)]
            if r.random() < 0.2:
                lines.append(f"  - I'm more interested in the follow-up, @{self.cite()}.")
            for kind in log_plants if n == len(actions) - 1 else []:
                if kind == "log-cite":
                    k = self.dangling_key()
                    lines.append(plant("VK201", f"  - Compare with @{k}, which claims the same.", "@", f"@{k}"))
                elif kind == "image":
                    name = f"missing-{len(self.planted)}.png"
                    lines.append(plant("VK202", f"  - ![](../asset/{name})", "!", name))
                else:
                    name = f"missing-{len(self.planted)}.png"
                    lines.append(plant("VK202", f"  - ![[{name}]]", "!", name))
            lines.append("  - " + r.choice(THOUGHTS))  # the file ends in a nested bullet
        return "\n".join(lines) + "\n"

    # -- papers and bibliography ------------------------------------------------------
    def authors(self, key: str) -> list[tuple[str, str]]:
        """(last, first) names, the same in the .bib and the paper note."""
        r = random.Random(key)
        names = [self.surnames[key]] + r.sample(SURNAMES, r.randint(0, 4))
        return [(last.capitalize(), r.choice(FIRSTS)) for last in names]

    def bib_entry(self, key: str) -> str:
        title = " ".join(f"{{{{{w}}}}}" if w[0].isupper() and i else w
                         for i, w in enumerate(self.titles[key].split()))
        author = " and ".join(f"{last}, {first}" for last, first in self.authors(key))
        year = self.years[key]
        if self.rng.random() < 0.5:
            venue = f"  booktitle = {{{self.rng.choice(VENUES)}}},\n"
            kind = "inproceedings"
        else:
            number = f"{year % 100:02d}{self.rng.randint(1, 12):02d}.{self.rng.randint(1000, 99999):05d}"
            venue = (f"  number = {{arXiv:{number}}},\n  eprint = {{{number}}},\n"
                     f"  primaryclass = {{cs}},\n  publisher = {{{{arXiv}}}},\n"
                     f"  doi = {{10.48550/arXiv.{number}}},\n  archiveprefix = {{arxiv}},\n")
            kind = "misc"
        return (f"@{kind}{{{key},\n  title = {{{title}}},\n{venue}  author = {{{author}}},\n"
                f"  year = {{{year}}},\n  urldate = {{2024-01-{self.rng.randint(10, 28)}}},\n"
                f"  keywords = {{Computer Science - Machine Learning}},\n}}\n")

    def paper_note(self, key: str) -> str:
        authors = ", ".join(f"{first} {last}" for last, first in self.authors(key))
        other = self.cite()
        return (f"---\ncitekey: {key}\ntitle: \"{self.titles[key]}\"\nauthors: [{authors}]\n"
                f"year: {self.years[key]}\n---\n# {self.titles[key]}\n\n## Summary\n"
                f"- {self.rng.choice(LEARNED)}\n- {self.rng.choice(EUREKAS)}\n\n## Notes\n"
                f"- Compared with [@{other}], it is simpler.\n- {self.rng.choice(THOUGHTS)}\n")

    def write(self, out: Path) -> dict[str, Any]:
        r = self.rng
        paths = self.session_paths()
        plants: dict[int, list[str]] = {}
        n_dangling, n_missing = max(3, self.n // 50), max(2, self.n // 80)
        for kind in ["context", "log-cite"] * (n_dangling // 2) + ["context"] * (n_dangling % 2) \
                + ["image", "embed"] * (n_missing // 2) + ["image"] * (n_missing % 2):
            plants.setdefault(r.randrange(self.n), []).append(kind)

        (out / ".obsidian").mkdir(parents=True, exist_ok=True)
        (out / ".obsidian" / "app.json").write_text("{}\n")
        for folder in ("sessions", "papers", "asset"):
            (out / folder).mkdir(exist_ok=True)
        for i, path in enumerate(paths):
            text = self.session(path, paths[i - 1] if i else None, plants.get(i, []))
            (out / path).write_text(text, encoding="utf-8")
        png = tiny_png()
        for name in self.assets:
            (out / "asset" / name).write_bytes(png)
        with_note = sorted(r.sample(self.keys, len(self.keys) // 3))
        for key in with_note:
            (out / "papers" / f"@{key}.md").write_text(self.paper_note(key), encoding="utf-8")
        in_bib = [k for k in self.keys if k not in with_note or r.random() < 0.8]  # some keys only have a note
        (out / "references.bib").write_text("\n".join(self.bib_entry(k) for k in sorted(in_bib)),
                                            encoding="utf-8")
        self.planted.sort(key=lambda p: (p.path, p.line, p.column))
        counts: dict[str, int] = {}
        for p in self.planted:
            counts[p.code] = counts.get(p.code, 0) + 1
        return {"sessions": self.n, "paper_notes": len(with_note), "bib_entries": len(in_bib),
                "assets": len(self.assets), "counts": counts, "total": len(self.planted),
                "problems": [asdict(p) for p in self.planted]}


def generate(out: Path, sessions: int, seed: int) -> dict[str, Any]:
    """Write the vault into ``out`` (created; should be empty) and return planted.json's data."""
    planted = Generator(sessions, seed).write(out)
    planted["seed"] = seed
    (out / "planted.json").write_text(json.dumps(planted, indent=1) + "\n")
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    planted = generate(args.out, args.sessions, args.seed)
    print(f"{args.out}: {args.sessions} sessions, planted {planted['counts']}")


if __name__ == "__main__":
    main()
