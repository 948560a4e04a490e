"""fastclean.data_issues: the run-level step (all loaded splits searched, rows mapped to the run)."""

from __future__ import annotations

import numpy as np

from fastclean.data.dataset import LabelledDataset
from fastclean.data_issues import audit_dataset, read_data_issues, write_data_issues


def _texts_dataset() -> LabelledDataset:
    words = ["virus", "cases", "city", "hospital", "masks", "schools", "travel", "vaccine", "tests",
             "deaths", "lockdown", "market", "doctors", "nurses", "beds", "flights"]
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.choice(words, 8)) + f" number {i}" for i in range(60)]
    texts[55] = "  " + texts[2].upper()          # a test text repeating a train text
    labels = rng.integers(0, 2, 60)
    splits = np.array(["train"] * 50 + ["test"] * 10, dtype=object)
    return LabelledDataset(name="toy", modality="text", classes=["neg", "pos"], labels=labels,
                           ids=[f"t{i}" for i in range(60)], splits=splits, texts=texts)


def test_test_split_run_lists_train_partners_outside_the_run(tmp_path):
    ds = _texts_dataset()
    test_rows = np.arange(50, 60)
    table, info = audit_dataset(ds, test_rows, None, cache_dir=tmp_path, progress=False)
    assert info["settings"]["features"].startswith("tfidf")
    assert (table["index"] >= 0).all() and table["index"].max() < 10
    cross = table[table["issue_type"] == "cross_split_duplicate"]
    assert len(cross) == 1
    row = cross.iloc[0]
    assert row["index"] == 5 and row["id"] == "t55" and row["split"] == "test"
    assert row["other_id"] == "t2" and row["other_split"] == "train" and row["other_text"] == ds.texts[2]
    assert pd_isna_or_minus_one(row["other_index"])
    write_data_issues(tmp_path, table)
    back = read_data_issues(tmp_path)
    assert back.loc[back["issue_type"] == "cross_split_duplicate", "other_index"].tolist() == [-1]
    assert info["counts"]["cross_split_duplicate"] == 1


def pd_isna_or_minus_one(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value)) or int(value) == -1
