"""Review flagged examples: the corrections store, exports, and the Streamlit app.

Importing this package imports neither Streamlit nor torch; the app (``review/app.py``) is a
Streamlit script started by ``fastclean review DIR``.
"""

from .export import cleaned_labels, export_cleaned_labels
from .store import ACTIONS, STORE_NAME, CorrectionsStore, Decision

__all__ = [
    "ACTIONS", "STORE_NAME", "CorrectionsStore", "Decision", "cleaned_labels",
    "export_cleaned_labels",
]
