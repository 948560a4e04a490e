"""The partial selections equal the reference's argsort prefixes, ties included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fastclean.core._select import smallest_n, top_n_per_cell, values_at_cell_ranks


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.integers(0, 5), min_size=0, max_size=60), n=st.integers(-1, 70),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_smallest_n_is_the_argsort_prefix(values, n, dtype):
    arr = (np.array(values, dtype=float) / 7).astype(dtype)
    expected = np.zeros(len(arr), bool)
    expected[np.argsort(arr)[:max(n, 0)]] = True
    np.testing.assert_array_equal(smallest_n(arr, n), expected)


def _draw_cells(data, n_cells: int, *, min_size: int) -> tuple[int, np.ndarray]:
    """Up to 40 candidates' cell numbers, each in ``[0, n_cells)``."""
    m = data.draw(st.integers(min_size, 40))
    cells = np.array(data.draw(st.lists(st.integers(0, n_cells - 1), min_size=m, max_size=m)),
                     dtype=np.int32)
    return m, cells


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n_cells=st.integers(1, 6), dtype=st.sampled_from([np.float32, np.float64]))
def test_top_n_per_cell_selects_largest_or_reports_ties(data, n_cells, dtype):
    m, cells = _draw_cells(data, n_cells, min_size=0)
    values = (np.array(data.draw(st.lists(st.integers(-3, 3), min_size=m, max_size=m)),
                       dtype=float) / 3).astype(dtype)
    need = np.array(data.draw(st.lists(st.integers(0, 8), min_size=n_cells, max_size=n_cells)))
    selected, unresolved = top_n_per_cell(cells, values, need)
    for c in range(n_cells):
        in_cell = cells == c
        vals = np.sort(values[in_cell])[::-1]
        if c in unresolved:
            short = len(vals) < need[c]
            assert short or vals[need[c] - 1] == vals[need[c]]
            continue
        assert selected[in_cell].sum() == (need[c] if need[c] > 0 else 0)
        if need[c] > 0:
            assert values[in_cell & selected].min() >= values[in_cell & ~selected].max(initial=-9)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n_cells=st.integers(1, 6), dtype=st.sampled_from([np.float32, np.float64]))
def test_values_at_cell_ranks_are_those_of_the_sorted_candidates(data, n_cells, dtype):
    m, cells = _draw_cells(data, n_cells, min_size=1)
    values = np.array(data.draw(st.lists(st.sampled_from([-1.5, -0.25, -0.0, 0.0, 1e-30, 0.5,
                                                          0.75, 2.0, 1e30]),
                                         min_size=m, max_size=m)), dtype=dtype)
    positions = np.array(data.draw(st.lists(st.integers(0, m - 1), min_size=1, max_size=5)))
    order = np.lexsort((values, cells))
    got = values_at_cell_ranks(cells, values, positions)
    assert got.dtype == values.dtype
    np.testing.assert_array_equal(got, values[order[positions]])
