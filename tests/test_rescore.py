"""``fastclean rescore``: models on the given vs the corrected labels of a reviewed run."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from fastclean.rescore import class_f1, macro_f1, rescore
from fastclean.review.store import CorrectionsStore
from fastclean.run import read_run
from tests.helpers import invoke, small_tweets_test_run


@pytest.fixture(scope="module")
def tweets_run(tmp_path_factory, data_dir):
    return small_tweets_test_run(tmp_path_factory.mktemp("rescore"), data_dir)


@pytest.fixture
def reviewed(tweets_run, tmp_path):
    """A copy of the run where 10 labels were corrected and 2 examples dropped."""
    template, data = tweets_run
    run_dir = tmp_path / "run"
    shutil.copytree(template, run_dir)
    run = read_run(run_dir)
    store = CorrectionsStore(run_dir, run.classes)
    ex = run.examples
    for i in range(10):
        given = ex["given_label"].iloc[i]
        store.decide(i, ex["id"].iloc[i], "relabel", original_label=given,
                     final_label=next(c for c in run.classes if c != given))
    for i in (10, 11):
        store.decide(i, ex["id"].iloc[i], "drop", original_label=ex["given_label"].iloc[i])
    return run_dir, data


def _predictions_csv(path, run, predicted):
    pd.DataFrame({"id": run.examples["id"], "prediction": [run.classes[k] for k in predicted]}) \
        .to_csv(path, index=False)
    return path


def test_scores_and_ranks_follow_the_corrected_labels(reviewed, tmp_path):
    run_dir, _ = reviewed
    run = read_run(run_dir)
    given = run.labels
    corrected = given.copy()
    corrected[:10] = 1 - corrected[:10]
    kept = np.ones(len(given), bool)
    kept[[10, 11]] = False
    # "agrees" predicts the given labels everywhere; "fixes" predicts the corrected ones but
    # errs on 6 other examples: first on the original labels, last on the corrected ones.
    fixes = corrected.copy()
    fixes[20:26] = 1 - fixes[20:26]
    a = _predictions_csv(tmp_path / "agrees.csv", run, given)
    b = _predictions_csv(tmp_path / "fixes.csv", run, fixes)
    frame = rescore(run_dir, [str(a), str(b), "run"]).set_index("model")
    for name, pred in (("agrees", given), ("fixes", fixes)):
        row = frame.loc[name]
        assert row["accuracy_original"] == pytest.approx(np.mean(pred == given))
        assert row["accuracy_corrected"] == pytest.approx(np.mean(pred[kept] == corrected[kept]))
        assert row["f1_original"] == pytest.approx(macro_f1(given, pred, 2))
        assert row["f1_INFORMATIVE_corrected"] == pytest.approx(class_f1(corrected[kept], pred[kept], 0))
        assert row["n_corrected"] == kept.sum()
    assert (frame["n_relabelled"] == 10).all() and (frame["n_dropped"] == 2).all()
    assert frame.loc["agrees", "accuracy_original"] == 1.0
    assert frame.loc["agrees", "rank_original"] < frame.loc["fixes", "rank_original"]
    assert frame.loc["fixes", "rank_corrected"] < frame.loc["agrees", "rank_corrected"]
    assert frame.loc["fixes", "rank_change"] > 0 > frame.loc["agrees", "rank_change"]
    run_row = frame.loc[[m for m in frame.index if m.startswith("run")][0]]
    assert run_row["accuracy_original"] == pytest.approx(np.mean(run.pred_probs.argmax(1) == given))


def test_f1_helpers_match_scikit_learn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    assert macro_f1(y, p, 3) == pytest.approx(f1_score(y, p, average="macro"))
    assert class_f1(y, p, 1) == pytest.approx(f1_score(y, p, labels=[1], average=None)[0])


def test_cli_writes_rescore_csv_and_a_report_section(reviewed, tmp_path):
    run_dir, _ = reviewed
    run = read_run(run_dir)
    user = _predictions_csv(tmp_path / "mine.csv", run, np.zeros(len(run.labels), int))
    res = invoke("rescore", str(run_dir), "--models", "run", "tfidf-logreg", str(user))
    assert res.exit_code == 0, res.output
    table = pd.read_csv(run_dir / "rescore.csv")
    assert len(table) == 3 and "mine" in set(table["model"])
    assert "tfidf-logreg" in set(table["model"])
    # The fitted tfidf-logreg is the very model find used (same data, same seed).
    fitted = table.set_index("model").loc["tfidf-logreg", "accuracy_original"]
    own = table[table["model"].str.startswith("run")]["accuracy_original"].iloc[0]
    assert fitted == pytest.approx(own)
    html = (run_dir / "report.html").read_text()
    assert 'id="rescore"' in html and "mine" in html and "10 relabelled, 2 dropped" in html
    assert "Models on the original" in res.output


def test_decisions_csv_replaces_the_store(reviewed, tmp_path):
    from fastclean.review.export import export_cleaned_labels

    run_dir, _ = reviewed
    export = tmp_path / "decisions.csv"
    export_cleaned_labels(run_dir, export)
    from_store = rescore(run_dir, ["run"])
    (run_dir / "review.sqlite").unlink()
    from_csv = rescore(run_dir, ["run"], decisions=export)
    pd.testing.assert_frame_equal(from_store, from_csv)


@pytest.mark.parametrize("spec, needle", [("no-such-model", "no-such-model"),
                                          ("missing.csv", "missing.csv")])
def test_bad_model_exits_2_with_one_line(reviewed, spec, needle):
    run_dir, _ = reviewed
    res = invoke("rescore", str(run_dir), "--models", "run", spec)
    assert res.exit_code == 2 and needle in res.output and "Traceback" not in res.output
    assert not (run_dir / "rescore.csv").exists()


def test_predictions_missing_an_example_are_refused(reviewed, tmp_path):
    run_dir, _ = reviewed
    run = read_run(run_dir)
    path = _predictions_csv(tmp_path / "short.csv", run, run.labels)
    pd.read_csv(path, dtype=str).iloc[:-1].to_csv(path, index=False)
    with pytest.raises(ValueError, match="no prediction for 1"):
        rescore(run_dir, [str(path)])
