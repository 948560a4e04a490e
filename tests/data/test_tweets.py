import numpy as np
import pytest

from fastclean.data.tweets import TWEETS_CLASSES, load_covid_tweets, read_wnut_tsv, unique_ids


def test_covid_tweets_parse_to_exactly_7000_1000_2000_rows(data_dir):
    ds = load_covid_tweets(data_dir)
    counts = {s: int((ds.splits == s).sum()) for s in ("train", "valid", "test")}
    assert counts == {"train": 7000, "valid": 1000, "test": 2000}
    assert ds.modality == "text" and ds.classes == TWEETS_CLASSES
    # Rows come train, valid, test; ids are tweet ids and unique.
    assert list(ds.splits[[0, 7000, 8000]]) == ["train", "valid", "test"]
    assert len(set(ds.ids)) == len(ds)
    file_ids = []
    for name in ("train.tsv", "valid.tsv", "test.tsv"):
        file_ids += read_wnut_tsv(data_dir / "covid_tweets" / name)[0]
    assert [i.split("#")[0] for i in ds.ids] == file_ids
    assert set(np.unique(ds.labels)) == {0, 1}


def test_tweets_with_stray_quotes_stay_one_row_each(data_dir):
    ids, texts, labels = read_wnut_tsv(data_dir / "covid_tweets" / "train.tsv")
    quoted = [t for t in texts if '"' in t]
    assert quoted, "the real file has tweets with quote characters"
    assert not any("\n" in t or "\t" in t for t in texts)
    assert set(labels) <= set(TWEETS_CLASSES)


def test_header_line_is_detected_not_read_as_data(tmp_path):
    body = '1\tsaid "hello\tINFORMATIVE\n2\tno quote\tUNINFORMATIVE\n'
    (tmp_path / "with.tsv").write_text("Id\tText\tLabel\n" + body)
    (tmp_path / "without.tsv").write_text(body)
    for name in ("with.tsv", "without.tsv"):
        ids, texts, labels = read_wnut_tsv(tmp_path / name)
        assert ids == ["1", "2"] and texts[0] == 'said "hello'


def test_a_line_with_too_many_fields_is_a_clear_error(tmp_path):
    (tmp_path / "bad.tsv").write_text("1\ta\tINFORMATIVE\n2\tb\textra\tINFORMATIVE\n")
    with pytest.raises(ValueError, match="bad.tsv"):
        read_wnut_tsv(tmp_path / "bad.tsv")


def test_a_line_with_too_few_fields_is_a_clear_error(tmp_path):
    (tmp_path / "short.tsv").write_text("1\ta\tINFORMATIVE\n2\tno label\n")
    with pytest.raises(ValueError, match="fewer than 3"):
        read_wnut_tsv(tmp_path / "short.tsv")


def test_repeated_ids_get_a_numbered_suffix():
    assert unique_ids(["5", "6", "5", "5"]) == ["5", "6", "5#2", "5#3"]
