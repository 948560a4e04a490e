"""Training despite noisy labels with fastai, and the experiment grid behind ``fastclean bench``.

Layers, each usable on its own: :mod:`.blocks` (DataBlock → DataLoaders from a
``LabelledDataset``), :mod:`.learners` (architectures, losses, fitting), :mod:`.strategies`
(baseline, label smoothing, prune, pseudo-label as label edits), :mod:`.experiment` (one run),
:mod:`.bench` (the grid) and :mod:`.output` (what is written). torch and fastai are imported
only inside the functions that need them.
"""

from .._warnings import quiet_known_warnings
from .experiment import (
    LearnerSpec,
    PreparedData,
    TrainConfig,
    TrainResult,
    out_of_sample_probs,
    prepare_data,
    run_training,
)
from .strategies import CL_STRATEGIES, STRATEGIES, CleanedLabels, apply_strategy

quiet_known_warnings()

__all__ = [
    "LearnerSpec", "PreparedData", "TrainConfig", "TrainResult", "out_of_sample_probs",
    "prepare_data", "run_training", "CL_STRATEGIES", "STRATEGIES", "CleanedLabels",
    "apply_strategy",
]
