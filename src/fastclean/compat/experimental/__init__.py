"""cleanlab-shaped ``experimental`` modules (only ``label_issues_batched`` so far)."""

from . import label_issues_batched

__all__ = ["label_issues_batched"]
