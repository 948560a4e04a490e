"""Small display pieces shared by the pages."""

from __future__ import annotations

from typing import Sequence

import pandas as pd
import streamlit as st


def probability_table(pairs: Sequence[tuple[str, float]]) -> None:
    """Show ``(class, probability)`` pairs as a table with probability bars."""
    st.dataframe(
        pd.DataFrame(list(pairs), columns=["class", "probability"]),
        hide_index=True,
        column_config={"probability": st.column_config.ProgressColumn(
            "probability", min_value=0.0, max_value=1.0, format="%.3f")},
        width="stretch",
    )
