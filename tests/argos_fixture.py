"""Tiny, valid Argos Translate packages built by the test run itself (no download, no real model).

Two kinds of model, both real CTranslate2 Transformers written through its Python spec API, with a
SentencePiece model trained here on a few hundred generated Russian/English lines:

* ``copy``: hand-set weights that reproduce the input exactly. Tokens are embedded as balanced binary codes
  (bit ``j`` of the token id as ``(+1, -1)`` or ``(-1, +1)``), positions as balanced sinusoids; encoder
  layers, decoder self-attention and feed-forward layers are zero (the residual stream passes through); the
  decoder's token embeddings are zero, so its state at step ``t`` is the position ``t`` alone; the cross-
  attention query and key read only the position dimensions with a large gain, so step ``t`` attends to source
  position ``t``, and its values carry the source token's code, which the output projection (the codes again)
  turns back into that token. The source gets ``</s>`` appended (``add_source_eos``), so decoding stops right
  after the copy. SentencePiece uses byte fallback and the identity normalisation, so any text (Cyrillic,
  placeholders, emoji) comes back byte for byte; only runs of whitespace inside a text are not guaranteed.
* ``dictionary``: the copy construction with one change: the encoder embeds source piece ``s`` with the code
  of its dictionary translation ``π(s)`` (the identity for pieces outside the dictionary), so the decoder,
  which copies codes, writes the word-for-word translation: ``Экипаж прибыл на МКС.`` -> ``Crew arrived at
  ISS.``. Its SentencePiece model is BPE **without byte fallback**, like the real Argos ones: characters it
  never saw in training are ``<unk>`` and come back only through CTranslate2's ``replace_unknowns``. Every
  dictionary word is checked to be one whole piece, so the mapping is exact.
* ``random``: the same shapes with seeded random weights; only good for loading (decode with a length cap).

Build one with :func:`build_argos_package`; the ``argos_*`` fixtures below are session-scoped and can be
registered by any conftest (``from argos_fixture import *`` or ``pytest_plugins = ["argos_fixture"]``).
"""

from __future__ import annotations

import io
import json
import math
import random
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

__all__ = [
    "DICTIONARY",
    "PLACEHOLDER_SYMBOLS",
    "argos_copy_archive",
    "argos_dictionary_archive",
    "argos_en_de_archive",
    "argos_models_dir",
    "argos_random_archive",
    "build_argos_package",
    "install_archive",
]

#: Extra whole pieces the SentencePiece model knows (anything else still round-trips through byte fallback).
PLACEHOLDER_SYMBOLS = ("⟦0⟧", "⟦1⟧", "⟦2⟧", "⟦3⟧", "TERM0", "TERM1", "TERM2")

_RU = (  # noqa: SIM905  (a word list reads better as prose)
    "космос станция ракета запуск орбита корабль экипаж спутник Роскосмоса Роскосмос МКС модуль стыковка "
    "полёт двигатель космонавт Международной космической станции Союз Прогресс МС-07 грузовой на с и в к о "
    "по из сообщили заголовок открываемого материала Байконур старт выход открытый"
).split()
_EN = (  # noqa: SIM905
    "space station rocket launch orbit ship crew satellite Roscosmos ISS module docking flight engine "
    "cosmonaut International Space Station Soyuz Progress MS-07 cargo the on with and to of from reported "
    "headline Baikonur"
).split()
_PUNCT = (".", "!", "?", ",", ":", ";", "", "", "")

#: The word-for-word ru→en dictionary of the ``dictionary`` model (every word is one SentencePiece piece).
DICTIONARY: dict[str, str] = dict(
    pair.split("=")
    for pair in (  # noqa: SIM905
        "Представитель=Representative представитель=representative Роскосмоса=Roscosmos Роскосмос=Roscosmos "
        "заявил=said что=that Экипаж=Crew экипаж=crew готов=ready к=to выходу=spacewalk прибыл=arrived "
        "на=at Ракета=Rocket ракета=rocket стартовала=launched с=from Байконура=Baikonur Союз=Soyuz "
        "Союза=Soyuz станция=station станции=station космос=space орбита=orbit орбиту=orbit Орбита=Orbit "
        "сообщили=reported в=in и=and Все=All права=rights защищены=reserved сайт=site Сайт=Site сайта=site "
        "пишет=writes новости=news запуск=launch Запуск=Launch состоялся=took корабль=ship модуль=module "
        "стыковка=docking космонавт=cosmonaut космонавты=cosmonauts вышли=went открытый=open "
        "Сегодня=Today сегодня=today год=year году=year мы=we Мы=We это=this Это=This был=was была=was "
        "новый=new новая=new первый=first полёт=flight спутник=satellite Луна=Moon Луну=Moon МКС=ISS"
    ).split()
)
_POSITIONS = 512  # longest token sequence the model accepts
_FREQUENCIES = 16


def _training_lines(count: int = 400, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    words = list(_RU) + list(_EN) + list(PLACEHOLDER_SYMBOLS) + [str(n) for n in range(0, 100, 7)]
    lines = []
    for _ in range(count):
        n = rng.randint(3, 12)
        lines.append(" ".join(rng.choice(words) for _ in range(n)) + rng.choice(_PUNCT))
    return lines


def _dictionary_lines(count: int = 600, seed: int = 0) -> list[str]:
    """Lines of dictionary words (both sides), digits, Latin letters and common punctuation."""
    rng = random.Random(seed)
    words = [*DICTIONARY, *DICTIONARY.values(), *"abcdefghijklmnopqrstuvwxyz", *"0123456789"]
    marks = [".", ",", ":", ";", "!", "?", "«", "»", '"', "(", ")", "-", "—", "'", "/", "%", "&", "@", "#"]
    lines = []
    for _ in range(count):
        n = rng.randint(3, 12)
        parts = [
            (rng.choice(marks) if rng.random() < 0.15 else "")
            + rng.choice(words)
            + (rng.choice(marks) if rng.random() < 0.2 else "")
            for _ in range(n)
        ]
        lines.append(" ".join(parts) + rng.choice(_PUNCT))
    return lines


def _train_sentencepiece(
    vocab_size: int,
    symbols: tuple[str, ...],
    byte_fallback: bool = True,
    *,
    model_type: str = "unigram",
    lines: list[str] | None = None,
) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines or _training_lines()),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type=model_type,
        byte_fallback=byte_fallback,
        character_coverage=1.0,
        normalization_rule_name="identity",
        user_defined_symbols=list(symbols),
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def _codes(vocab: int) -> np.ndarray:
    bits = max(1, math.ceil(math.log2(vocab)))
    codes = np.zeros((vocab, 2 * bits), np.float32)
    for v in range(vocab):
        for j in range(bits):
            b = 1.0 if (v >> j) & 1 else -1.0
            codes[v, 2 * j], codes[v, 2 * j + 1] = b, -b
    return codes


def _positions(width: int, offset: int) -> np.ndarray:
    table = np.zeros((_POSITIONS, width), np.float32)
    for t in range(_POSITIONS):
        for i in range(_FREQUENCIES):
            w = 1.0 / (_POSITIONS ** (i / _FREQUENCIES))
            s, c = math.sin(t * w), math.cos(t * w)
            table[t, offset + 4 * i : offset + 4 * i + 4] = (s, -s, c, -c)
    return table


def _import_specs() -> object:
    """Import ``ctranslate2.specs`` without torch (it only uses torch to convert torch tensors)."""
    if "ctranslate2.specs" not in sys.modules and "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
        try:
            import ctranslate2.specs  # noqa: F401
        finally:
            del sys.modules["torch"]
    from ctranslate2.specs import transformer_spec

    return transformer_spec


def _write_model(
    folder: Path,
    vocab: list[str],
    kind: str,
    seed: int,
    *,
    layers: int = 1,
    d_model: int | None = None,
    ffn: int = 4,
    quantization: str | None = None,
    vocab_pad: int = 0,
    mapping: dict[int, int] | None = None,
) -> None:
    transformer_spec: Any = _import_specs()

    vocab = vocab + [f"<unused{i}>" for i in range(vocab_pad)]  # never produced; realistic output layer cost
    size = len(vocab)
    codes = _codes(size)
    token_dims = codes.shape[1]
    pos_dims = 4 * _FREQUENCIES
    d = max(token_dims + pos_dims, d_model or 0)  # extra dimensions stay zero: same copy, more compute
    pos = slice(token_dims, token_dims + pos_dims)
    rng = np.random.default_rng(seed)

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, np.float32)

    def weights(*shape: int) -> np.ndarray:
        if kind == "random":
            return rng.normal(0.0, 0.5, shape).astype(np.float32)
        return zeros(*shape)

    def norm(layer: object) -> None:
        layer.gamma = np.ones(d, np.float32)  # type: ignore[attr-defined]
        layer.beta = zeros(d)  # type: ignore[attr-defined]

    spec = transformer_spec.TransformerSpec.from_config(layers, 1)
    encoder, decoder = spec.encoder, spec.decoder
    encoder.scale_embeddings = False
    decoder.scale_embeddings = False
    embedding = np.zeros((size, d), np.float32)
    embedding[:, :token_dims] = codes
    if mapping:  # a dictionary model: source piece s is embedded as the code of its translation
        embedding[list(mapping), :token_dims] = codes[list(mapping.values())]
    encoder.embeddings[0].weight = embedding if kind != "random" else weights(size, d)
    encoder.position_encodings.encodings = _positions(d, token_dims)
    decoder.embeddings.weight = weights(size, d)
    decoder.position_encodings.encodings = _positions(d, token_dims)
    norm(encoder.layer_norm)
    norm(decoder.layer_norm)
    for layer in [*encoder.layer, *decoder.layer]:
        attention = layer.self_attention
        norm(attention.layer_norm)
        attention.linear[0].weight = weights(3 * d, d)
        attention.linear[0].bias = zeros(3 * d)
        attention.linear[1].weight = weights(d, d)
        attention.linear[1].bias = zeros(d)
        norm(layer.ffn.layer_norm)
        layer.ffn.linear_0.weight = weights(ffn, d)
        layer.ffn.linear_0.bias = zeros(ffn)
        layer.ffn.linear_1.weight = weights(d, ffn)
        layer.ffn.linear_1.bias = zeros(d)
    gain = 4.0
    for number, layer in enumerate(decoder.layer):
        cross = layer.attention
        norm(cross.layer_norm)
        query = zeros(d, d)
        query[pos, pos] = np.eye(pos_dims) * gain
        key_value = zeros(2 * d, d)
        key_value[pos, pos] = np.eye(pos_dims) * gain
        key_value[d : d + token_dims, :token_dims] = np.eye(token_dims)
        out = zeros(d, d)
        out[:token_dims, :token_dims] = np.eye(token_dims) * 4.0
        if kind == "random" or number > 0:  # extra layers of a copy model add nothing to the residual
            query, key_value, out = weights(d, d), weights(2 * d, d), weights(d, d)
        cross.linear[0].weight, cross.linear[0].bias = query, zeros(d)
        cross.linear[1].weight, cross.linear[1].bias = key_value, zeros(2 * d)
        cross.linear[2].weight, cross.linear[2].bias = out, zeros(d)
    projection = zeros(size, d)
    projection[:, :token_dims] = codes * 4.0
    decoder.projection.weight = projection if kind != "random" else weights(size, d)
    decoder.projection.bias = zeros(size)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.add_source_eos = True
    folder.mkdir(parents=True)
    spec.validate()
    if kind == "random" or quantization:
        spec.optimize(
            quantization=quantization or "int8"
        )  # random weights do not compress; int8 keeps it small
    spec.save(str(folder))


def build_argos_package(
    out_dir: Path,
    *,
    from_code: str = "ru",
    to_code: str = "en",
    kind: str = "copy",
    version: str = "1.0",
    vocab_size: int = 420,
    symbols: tuple[str, ...] = PLACEHOLDER_SYMBOLS,
    seed: int = 0,
    layers: int = 1,
    d_model: int | None = None,
    ffn: int = 4,
    quantization: str | None = None,
    vocab_pad: int = 0,
    byte_fallback: bool = True,
    dictionary: dict[str, str] | None = None,
) -> Path:
    """Build ``out_dir/{from}_{to}.argosmodel``: a valid Argos package with a tiny CTranslate2 model.

    Args:
        out_dir: where to write the archive (a work folder is made and removed beside it).
        from_code: source language code in ``metadata.json``.
        to_code: target language code.
        kind: ``copy`` (translates every text into itself), ``dictionary`` (word for word, BPE without byte
            fallback) or ``random`` (seeded random weights).
        version: ``package_version``.
        vocab_size: SentencePiece vocabulary size (at least byte fallback's 259 + symbols).
        symbols: pieces the SentencePiece model keeps whole.
        seed: seed of the random weights.
        layers: encoder and decoder layers (a copy model's extra layers are zero: same output, real cost).
        d_model: model width (at least what the copy construction needs; the rest is zero).
        ffn: feed-forward width.
        quantization: CTranslate2 weight quantization (``int8`` like real Argos packages), or None.
        vocab_pad: extra never-produced entries in the model's vocabulary (real models have ~32k).
        byte_fallback: let SentencePiece spell unknown characters as bytes (exact copies of any text); without
            it, the same vocabulary holds whole words (realistic token counts, for benchmarks).
        dictionary: the word-for-word mapping of a ``dictionary`` model (default :data:`DICTIONARY`).

    Returns:
        The archive path.
    """
    import sentencepiece as spm

    if kind not in ("copy", "random", "dictionary"):
        raise ValueError(f"unknown model kind {kind!r}")
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    work = out_dir / f".build-{from_code}_{to_code}-{kind}"
    shutil.rmtree(work, ignore_errors=True)
    folder = work / name
    mapping: dict[int, int] | None = None
    if kind == "dictionary":
        words = DICTIONARY if dictionary is None else dictionary
        sp_model = _train_sentencepiece(
            max(vocab_size, 600), (), False, model_type="bpe", lines=_dictionary_lines()
        )
        processor = spm.SentencePieceProcessor(model_proto=sp_model)
        mapping = {}
        for source_word, target_word in words.items():
            ids = [processor.encode(w) for w in (source_word, target_word)]
            if len(ids[0]) != 1 or len(ids[1]) != 1:
                raise ValueError(f"dictionary word {source_word!r} or {target_word!r} is not one piece")
            mapping[ids[0][0]] = ids[1][0]
            # The word glued to a preceding mark ("«Союза") is the piece without "▁": map it too.
            bare = [processor.piece_to_id(w) for w in (source_word, target_word)]
            if processor.unk_id() not in bare:
                mapping[bare[0]] = bare[1]
    else:
        sp_model = _train_sentencepiece(vocab_size, symbols, byte_fallback)
        processor = spm.SentencePieceProcessor(model_proto=sp_model)
    vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    _write_model(
        folder / "model",
        vocab,
        kind,
        seed,
        layers=layers,
        d_model=d_model,
        ffn=ffn,
        quantization=quantization,
        vocab_pad=vocab_pad,
        mapping=mapping,
    )
    (folder / "sentencepiece.model").write_bytes(sp_model)
    metadata = {
        "package_version": version,
        "argos_version": "1.11",
        "from_code": from_code,
        "from_name": {"ru": "Russian", "en": "English", "de": "German"}.get(from_code, from_code),
        "to_code": to_code,
        "to_name": {"ru": "Russian", "en": "English", "de": "German"}.get(to_code, to_code),
        "type": "translate",
        "links": [],
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (folder / "README.md").write_text(f"Glossa test package ({kind} model).\n", encoding="utf-8")
    archive = out_dir / f"{from_code}_{to_code}{'' if kind == 'copy' else '-' + kind}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(path.relative_to(work).as_posix(), date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())
    shutil.rmtree(work)
    return archive


def install_archive(archive: Path, models_dir: Path) -> Path:
    """Install ``archive`` into ``models_dir`` with Glossa's installer and return the package folder."""
    from pipeline.translation.packages import install_package

    return install_package(archive, models_dir).path


@pytest.fixture(scope="session")
def argos_copy_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ru→en ``.argosmodel`` whose model copies its input exactly."""
    return build_argos_package(tmp_path_factory.mktemp("argos-copy"))


@pytest.fixture(scope="session")
def argos_dictionary_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ru→en ``.argosmodel`` translating word for word (:data:`DICTIONARY`); BPE, no byte fallback."""
    # Its own version: the memory keys translations by model, so copy-model runs never answer for it.
    return build_argos_package(tmp_path_factory.mktemp("argos-dictionary"), kind="dictionary", version="2.0")


@pytest.fixture(scope="session")
def argos_random_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ru→en ``.argosmodel`` with random weights (loading only)."""
    return build_argos_package(tmp_path_factory.mktemp("argos-random"), kind="random")


@pytest.fixture(scope="session")
def argos_en_de_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An en→de copy package: with the ru→en one, ru→de works only through the English pivot."""
    return build_argos_package(tmp_path_factory.mktemp("argos-en-de"), from_code="en", to_code="de")


@pytest.fixture
def argos_models_dir(tmp_path: Path, argos_copy_archive: Path) -> Path:
    """A fresh models folder with the ru→en copy package installed."""
    models = tmp_path / "models"
    install_archive(argos_copy_archive, models)
    return models
