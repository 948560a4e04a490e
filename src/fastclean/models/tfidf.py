"""TF-IDF of word 1–2-grams and/or character 2–5-grams + logistic regression.

Cross-validation fits this model five times on overlapping rows of the same texts, and
tokenising (character n-grams above all) used to be most of its cost. :meth:`TfidfLogReg.prepare`
therefore counts every n-gram of every text once (:class:`CountedTexts`, label-free). Each
``fit`` then keeps the n-grams that occur in at least two of *its* rows and learns the IDF from
its rows only, so held-out rows stay unseen and the features are the ones a ``TfidfVectorizer``
fitted on the training rows would give (a test checks this against scikit-learn).
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model, full_proba
from .text_features import texts_of

#: Accepted values of ``TfidfLogReg(ngrams=...)``.
NGRAMS = ("word", "char", "word+char")
#: An n-gram must occur in this many training texts to become a feature.
MIN_DF = 2


def _count_vectorisers(ngrams: str) -> list:
    from sklearn.feature_extraction.text import CountVectorizer

    out = []
    if "word" in ngrams:
        out.append(CountVectorizer(ngram_range=(1, 2), lowercase=True))
    if "char" in ngrams:
        # char_wb: n-grams inside word boundaries, robust to the misspellings, hashtags and
        # elongated words of tweets.
        out.append(CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True))
    return out


class CountedTexts:
    """Texts with their n-gram counts: one sparse block (and vocabulary) per analyser.

    Rows can be selected (``select_rows``, ``[...]``); selections share the vocabularies.
    """

    def __init__(self, texts: Sequence[str], ngrams: str, *, blocks=None, vocabularies=None):
        self.texts = list(texts)
        self.ngrams = ngrams
        if blocks is None:
            blocks, vocabularies = [], []
            for v in _count_vectorisers(ngrams):
                try:
                    blocks.append(v.fit_transform(self.texts).tocsr())
                    vocabularies.append(v.vocabulary_)
                except ValueError:  # no n-gram at all (e.g. one text of punctuation)
                    import scipy.sparse as sp

                    blocks.append(sp.csr_matrix((len(self.texts), 0), dtype=np.int64))
                    vocabularies.append({})
        self.blocks = blocks
        self.vocabularies = vocabularies

    def __len__(self) -> int:
        return len(self.texts)

    def select_rows(self, rows) -> "CountedTexts":
        rows = np.asarray(rows)
        return CountedTexts([self.texts[i] for i in rows], self.ngrams,
                            blocks=[b[rows] for b in self.blocks], vocabularies=self.vocabularies)

    def __getitem__(self, key) -> "CountedTexts":
        if isinstance(key, slice):
            return self.select_rows(np.arange(len(self))[key])
        return self.select_rows(key)


class TfidfLogReg(Model):
    """Sublinear-tf TF-IDF (L2-normalised per analyser) and L2 logistic regression.

    Vocabulary and IDF are learnt on the training rows of each fit only.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    ngrams : {"word", "char", "word+char"}
        Word 1–2-grams, character 2–5-grams within word boundaries, or both side by side.
    """

    name = "tfidf-logreg"
    version = "2"

    def __init__(self, C: float = 1.0, ngrams: str = "word"):
        if not C > 0:
            raise ValueError(f"C: expected a positive number, got {C!r}")
        if ngrams not in NGRAMS:
            raise ValueError(f"ngrams: expected one of {', '.join(NGRAMS)}, got {ngrams!r}")
        self.C = C
        self.ngrams = ngrams

    def params_key(self) -> str:
        return f"C={self.C:g}" + ("" if self.ngrams == "word" else f"-{self.ngrams}")

    def prepare(self, dataset: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = True) -> CountedTexts:
        return CountedTexts(texts_of(dataset), self.ngrams)

    def _counted(self, inputs) -> CountedTexts:
        if isinstance(inputs, CountedTexts) and inputs.ngrams == self.ngrams:
            return inputs
        texts = inputs.texts if isinstance(inputs, CountedTexts) else inputs
        return CountedTexts(texts, self.ngrams)

    def fit(self, inputs: CountedTexts | Sequence[str], labels: np.ndarray, *, n_classes: int,
            seed: int = 0) -> "TfidfLogReg":
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        counted = self._counted(inputs)
        self.n_classes = n_classes
        self._vocabularies = counted.vocabularies
        self._names = None  # n-gram names of the kept columns, built if another split comes
        self._columns, self._idf = [], []
        for block in counted.blocks:
            df = np.bincount(block.indices, minlength=block.shape[1])
            keep = np.flatnonzero(df >= MIN_DF)
            self._columns.append(keep)
            self._idf.append(TfidfTransformer(sublinear_tf=True).fit(block[:, keep]))
        self.head = LogisticRegression(C=self.C, max_iter=2000, random_state=seed)
        self.head.fit(self._tfidf(counted), labels)
        return self

    def _tfidf(self, counted: CountedTexts):
        import scipy.sparse as sp

        parts = []
        for b, block in enumerate(counted.blocks):
            if counted.vocabularies is self._vocabularies:
                columns = block[:, self._columns[b]]
            else:  # texts counted separately (another split): match the n-grams by name
                vocabulary = counted.vocabularies[b]
                where = np.array([vocabulary.get(t, -1) for t in self._kept_names()[b]], dtype=np.int64)
                found = np.flatnonzero(where >= 0)
                columns = sp.csr_matrix((block.shape[0], len(where)), dtype=block.dtype)
                if len(found):
                    picked = block[:, where[found]].tocoo()
                    columns = sp.csr_matrix((picked.data, (picked.row, found[picked.col])),
                                            shape=columns.shape)
            parts.append(self._idf[b].transform(columns.astype(np.float64)))
        return parts[0] if len(parts) == 1 else sp.hstack(parts, format="csr")

    def _kept_names(self) -> list[np.ndarray]:
        if self._names is None:
            self._names = []
            for vocabulary, keep in zip(self._vocabularies, self._columns):
                names = np.empty(len(vocabulary), dtype=object)
                for term, j in vocabulary.items():
                    names[j] = term
                self._names.append(names[keep])
        return self._names

    def __getstate__(self) -> dict:
        # Pickle the kept n-grams by name only: the full count vocabularies (every n-gram of
        # every text, most seen once) are many times larger and not needed for new texts.
        state = dict(self.__dict__)
        if state.get("_vocabularies") is not None:
            state["_names"] = self._kept_names()
            state["_vocabularies"] = state["_columns"] = None
        return state

    def predict_proba(self, inputs: CountedTexts | Sequence[str]) -> np.ndarray:
        probs = self.head.predict_proba(self._tfidf(self._counted(inputs)))
        return full_proba(probs, self.head.classes_, self.n_classes)
