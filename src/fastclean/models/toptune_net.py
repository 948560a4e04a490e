"""The torch module of ``minilm-toptune`` (imported only when that model trains or predicts).

At module level so that a fitted model pickles (``model.joblib``, the fold cache).
"""

from __future__ import annotations

import torch
from torch import nn


class TopLayersClassifier(nn.Module):
    """Transformer layers on given token states → mean over the real tokens → dropout → linear."""

    def __init__(self, layers: list[nn.Module], hidden_size: int, n_classes: int, dropout: float):
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # Additive mask, broadcast over heads and query positions: padding gets no attention.
        keep = attention_mask[:, None, None, :].to(states.dtype)
        additive = (1.0 - keep) * torch.finfo(states.dtype).min
        hidden = states
        for layer in self.layers:
            out = layer(hidden, additive)
            hidden = out[0] if isinstance(out, tuple) else out
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))
