import pytest

from fastclean.data.table import load_table


def test_csv_with_text_column(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text('text,label\n"hello, world",pos\nbad day,neg\nfine,pos\n')
    ds = load_table(f, label_col="label", text_col="text")
    assert ds.modality == "text" and ds.classes == ["neg", "pos"]
    assert ds.texts == ["hello, world", "bad day", "fine"]
    assert ds.labels.tolist() == [1, 0, 1] and ds.ids == ["0", "1", "2"]


def test_tsv_keeps_quotes_as_text(tmp_path):
    f = tmp_path / "d.tsv"
    f.write_text('sentence\ty\nshe said "hi\ta\nplain\tb\n"quoted"\ta\n')
    ds = load_table(f, label_col="y", text_col="sentence")
    assert len(ds) == 3 and ds.texts[0] == 'she said "hi' and ds.texts[2] == '"quoted"'


def test_unique_id_column_gives_ids_and_split_column_gives_splits(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("id,text,label,part\nx1,a,0,train\nx2,b,1,val\nx3,c,1,TEST\nx4,d,0,dev\n")
    ds = load_table(f, split_col="part")
    assert ds.ids == ["x1", "x2", "x3", "x4"]
    assert ds.splits.tolist() == ["train", "valid", "test", "valid"]


def test_image_paths_resolve_against_the_csv_folder(tmp_path, image_writer):
    image_writer(tmp_path / "imgs" / "a.png")
    image_writer(tmp_path / "imgs" / "b.png")
    f = tmp_path / "labels.csv"
    f.write_text("file_name,cls\nimgs/a.png,cat\nimgs/b.png,dog\n")
    ds = load_table(f, label_col="cls", path_col="file_name")
    assert ds.modality == "image" and ds.ids == ["imgs/a.png", "imgs/b.png"]
    assert ds.paths[0] == (tmp_path / "imgs" / "a.png").resolve()
    assert ds.root == tmp_path.resolve()


def test_corrupted_image_in_csv_is_named_or_skipped(tmp_path, image_writer):
    image_writer(tmp_path / "a.png")
    image_writer(tmp_path / "c.png")
    (tmp_path / "b.png").write_bytes(b"garbage")
    f = tmp_path / "labels.csv"
    f.write_text("path,label\na.png,x\nb.png,y\nc.png,y\n")
    with pytest.raises(ValueError, match="b.png"):
        load_table(f)
    ds = load_table(f, skip_bad=True)
    assert ds.skipped == ["b.png"] and ds.ids == ["a.png", "c.png"]


def test_missing_column_is_named_with_the_available_ones(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("text,label\na,0\nb,1\n")
    with pytest.raises(ValueError, match=r"'category' not found.*available columns: text, label"):
        load_table(f, label_col="category", text_col="text")
    with pytest.raises(ValueError, match=r"text_col.*'body'"):
        load_table(f, label_col="label", text_col="body")


def test_without_label_column_the_error_lists_columns(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("text,target\na,0\nb,1\n")
    with pytest.raises(ValueError, match="label_col: required.*text, target"):
        load_table(f)


def test_empty_file_and_header_only_file_are_empty_datasets(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("text,label\n")
    for name in ("empty.csv", "header.csv"):
        with pytest.raises(ValueError, match="empty"):
            load_table(tmp_path / name)


def test_single_class_is_refused(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("text,label\na,spam\nb,spam\n")
    with pytest.raises(ValueError, match="single class"):
        load_table(f)


def test_empty_label_and_unknown_split_are_errors(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("text,label\na,x\nb,\n")
    with pytest.raises(ValueError, match="empty 'label'"):
        load_table(f)
    g = tmp_path / "g.csv"
    g.write_text("text,label,s\na,x,train\nb,y,holdout\n")
    with pytest.raises(ValueError, match="holdout"):
        load_table(g, split_col="s")


def test_text_and_path_columns_together_are_refused(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("text,path,label\na,b,0\n")
    with pytest.raises(ValueError, match="not both"):
        load_table(f, text_col="text", path_col="path")
