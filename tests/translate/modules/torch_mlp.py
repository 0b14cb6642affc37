import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    """A two-layer perceptron."""

    def __init__(self, in_dim, hidden=128, num_classes=10, p=0.1):
        super().__init__()
        # layers
        self.fc1 = nn.Linear(in_dim, hidden)
        self.drop = nn.Dropout(p)
        self.fc2 = nn.Linear(hidden, num_classes)
        self.hidden = hidden

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = self.drop(x)
        return self.fc2(x)
