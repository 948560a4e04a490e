import gzip
import time

import numpy as np
import pytest

from fastclean.data.mnist import load_mnist_test, read_idx


def _idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape
    )
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_mnist_test_loads_10000_images_fast(data_dir):
    start = time.perf_counter()
    ds = load_mnist_test(data_dir)
    elapsed = time.perf_counter() - start
    assert ds.images.shape == (10000, 28, 28) and ds.images.dtype == np.uint8
    assert len(ds) == 10000 and set(ds.splits) == {"train"}
    assert ds.classes == [str(d) for d in range(10)]
    # Every digit is present and the images are real (not blank).
    assert (np.bincount(ds.labels, minlength=10) > 800).all()
    assert ds.images.reshape(len(ds), -1).max(axis=1).min() > 100
    assert elapsed < 1.0


def test_read_idx_round_trips_raw_and_gzip(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.idx").write_bytes(_idx_bytes(array))
    (tmp_path / "a.idx.gz").write_bytes(gzip.compress(_idx_bytes(array)))
    np.testing.assert_array_equal(read_idx(tmp_path / "a.idx"), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "a.idx.gz", expect_ndim=3), array)


def test_read_idx_reads_big_endian_int32(tmp_path):
    array = np.array([1, -2, 70000], dtype=np.int32)
    (tmp_path / "b.idx").write_bytes(_idx_bytes(array, type_code=0x0C))
    out = read_idx(tmp_path / "b.idx")
    np.testing.assert_array_equal(out, array)
    assert out.dtype.isnative


def test_read_idx_rejects_a_bad_magic_number(tmp_path):
    (tmp_path / "x.idx").write_bytes(b"\x12\x34\x08\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="magic"):
        read_idx(tmp_path / "x.idx")


def test_read_idx_rejects_a_wrong_number_of_dimensions(tmp_path):
    (tmp_path / "l.idx").write_bytes(_idx_bytes(np.zeros(5, dtype=np.uint8)))
    with pytest.raises(ValueError, match="3 dimensions"):
        read_idx(tmp_path / "l.idx", expect_ndim=3)


def test_read_idx_rejects_truncated_data(tmp_path):
    data = _idx_bytes(np.zeros((4, 2, 2), dtype=np.uint8))
    (tmp_path / "t.idx").write_bytes(data[:-3])
    with pytest.raises(ValueError, match="holds 13"):
        read_idx(tmp_path / "t.idx")


def test_read_idx_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.idx"):
        read_idx(tmp_path / "nope.idx")
