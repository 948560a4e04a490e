"""EfficientNet-Lite0 as a fastai body: the feature map before pooling (imports torch)."""

from __future__ import annotations

from torch import nn


class EfficientNetLite0Body(nn.Module):
    """Wrap :class:`fastclean.models.efficientnet_lite.EfficientNetLite0`; return its last feature map.

    fastai's head pools (average + max) itself, so the body stops before the network's pooling.
    """

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x):
        n = self.net
        x = nn.functional.relu6(n._bn0(n._conv_stem(x)))
        for block in n._blocks:
            x = block(x)
        return nn.functional.relu6(n._bn1(n._conv_head(x)))
