"""cleanlab 2.9-shaped entry points: the same module names, signatures and return types.

``fastclean.compat.filter``, ``.count``, ``.rank``, ``.dataset`` and
``.multilabel_classification.{filter,rank,dataset}`` mirror cleanlab's modules of the same
names for the functions fastclean shares with it, so that code written for cleanlab runs by
changing its imports (``from fastclean.compat import filter`` ...). The numbers come from
:mod:`fastclean.core` (numpy only); this layer converts inputs, returns pandas DataFrames where
cleanlab does (pandas is imported here, never by ``fastclean.core``) and runs scikit-learn
cross-validation where cleanlab's functions take features and a classifier.
"""

from . import count, dataset, experimental, filter, multilabel_classification, rank

__all__ = ["count", "dataset", "experimental", "filter", "multilabel_classification", "rank"]
