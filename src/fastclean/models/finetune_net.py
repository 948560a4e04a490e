"""The torch module of ``minilm-finetune`` (imported only when that model trains or predicts).

At module level so that a fitted model pickles (``model.joblib``, the fold cache).
"""

from __future__ import annotations

import torch
from torch import nn


class MeanPoolClassifier(nn.Module):
    """A transformer encoder → mean over the real tokens → dropout → linear layer."""

    def __init__(self, encoder: nn.Module, n_classes: int, dropout: float):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, n_classes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))
