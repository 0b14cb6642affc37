import torch
from torch import nn


class Head(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc = nn.Linear(16, hidden)
        self.act = nn.LeakyReLU(0.2)
        self.out = nn.Linear(hidden, 4)
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x):
        return self.softmax(self.out(self.act(self.fc(x))))
