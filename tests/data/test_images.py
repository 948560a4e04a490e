import pytest

from fastclean.data.images import check_images, image_problem, is_image_file


def test_image_suffixes_are_recognised_case_insensitively():
    assert is_image_file("a/b.JPEG") and is_image_file("x.png") and is_image_file("y.WebP")
    assert not is_image_file("notes.txt") and not is_image_file("data.csv")


def test_readable_png_and_jpeg_have_no_problem(tmp_path, image_writer):
    assert image_problem(image_writer(tmp_path / "a.png")) is None
    assert image_problem(image_writer(tmp_path / "b.jpg")) is None


def test_random_bytes_and_truncated_png_are_reported(tmp_path, image_writer):
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"definitely not an image")
    png = image_writer(tmp_path / "cut.png", size=32)
    png.write_bytes(png.read_bytes()[:60])
    assert image_problem(junk) is not None
    assert image_problem(png) is not None
    assert image_problem(tmp_path / "missing.png") == "file not found"


def test_check_images_raises_naming_the_file(tmp_path, image_writer):
    good = image_writer(tmp_path / "good.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG broken")
    with pytest.raises(ValueError, match="bad.png"):
        check_images([good, bad], ["good", "bad"], skip_bad=False)
    with pytest.raises(FileNotFoundError, match="gone.png"):
        check_images([good, tmp_path / "gone.png"], ["good", "gone"], skip_bad=False)


def test_check_images_skips_and_records_bad_ids(tmp_path, image_writer):
    good = image_writer(tmp_path / "good.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    keep, skipped = check_images([bad, good, tmp_path / "gone.png"], ["b", "g", "x"],
                                 skip_bad=True)
    assert keep.tolist() == [False, True, False]
    assert skipped == ["b", "x"]
