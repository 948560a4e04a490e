import numpy as np
import pytest

pytest.importorskip("transformers")

from fastclean.data.dataset import LabelledDataset  # noqa: E402
from fastclean.models.features import cached_features  # noqa: E402
from fastclean.models.text_features import MiniLMExtractor, minilm_path, texts_of  # noqa: E402


def test_minilm_path_points_at_the_packaged_model():
    from pathlib import Path

    assert (Path(minilm_path()) / "config.json").is_file()


def test_minilm_embeddings_are_normalised_and_keep_meaning(tmp_path):
    texts = ["Three new coronavirus deaths reported in Ohio today",
             "Ohio reports 3 more COVID-19 deaths",
             "I love my cat so much"]
    ds = LabelledDataset("t", "text", ["a", "b"], [0, 0, 1], ["0", "1", "2"],
                         np.array(["train"] * 3), texts=texts)
    emb = cached_features(MiniLMExtractor(), ds, cache_dir=tmp_path, progress=False)
    assert emb.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-4)
    sim = emb @ emb.T
    assert sim[0, 1] > sim[0, 2] + 0.2


def test_text_models_refuse_datasets_without_texts(digits600):
    with pytest.raises(ValueError, match="no texts"):
        texts_of(digits600)


def test_minilm_matches_sentence_transformers(tmp_path):
    st = pytest.importorskip("sentence_transformers")
    texts = ["", "covid", "Ohio reports 3 more COVID-19 deaths, bringing the total to 1,234 #covid19",
             "a much longer text " * 40]  # the last one is truncated at MiniLM's 256 word pieces
    ds = LabelledDataset("t", "text", ["a", "b"], [0, 1, 0, 1], ["0", "1", "2", "3"],
                         np.array(["train"] * 4), texts=texts)
    ours = MiniLMExtractor().extract(ds, progress=False)
    theirs = st.SentenceTransformer(minilm_path(), device="cpu").encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(ours, theirs, atol=2e-5)


def test_minilm_layers_hold_the_sentence_embedding_in_their_last_block(tmp_path):
    from fastclean.train.features import embed_texts

    texts = ["Three new coronavirus deaths reported in Ohio today", "lol", "",
             "WHO: 12,000 confirmed cases worldwide #COVID19 https://t.co/x"]
    ds = LabelledDataset("t", "text", ["a", "b"], [0, 1, 0, 1], ["0", "1", "2", "3"],
                         np.array(["train"] * 4), texts=texts)
    layers = MiniLMExtractor(layers=(4, 5, 6)).extract(ds, progress=False)
    assert layers.shape == (4, 3 * 384)
    sentence = MiniLMExtractor().extract(ds, progress=False)
    last = layers[:, -384:] / np.linalg.norm(layers[:, -384:], axis=1, keepdims=True)
    np.testing.assert_allclose(last, sentence, atol=1e-5)
    # train's MLP features come from the same cache entry as find's default text model.
    np.testing.assert_allclose(embed_texts(ds, cache_dir=tmp_path).features, sentence, atol=1e-5)
    assert len(list((tmp_path / "features").iterdir())) == 1


def test_minilm_layers_are_checked():
    with pytest.raises(ValueError, match="layers"):
        MiniLMExtractor(layers=(7,))
    assert MiniLMExtractor(layers=(4, 5, 6)).cache_key != MiniLMExtractor().cache_key
