"""A PyTorch training script with habits from older tutorials."""
import torch
from torch import nn
from torch.autograd import Variable
from torch.utils.data import DataLoader, TensorDataset


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x):
        return self.net(x)


def make_loader():
    data = TensorDataset(torch.randn(1024, 16), torch.randn(1024, 1))
    return DataLoader(data, batch_size=32, shuffle=True)


def train(device: torch.device):
    model = nn.DataParallel(Regressor()).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    scaler = torch.cuda.amp.GradScaler()
    loss_fn = nn.MSELoss()
    offsets = torch.zeros(1, 16).to(device)
    for x, y in make_loader():
        x = Variable(x.to(device))
        with torch.autocast(device_type=device.type):
            loss = loss_fn(model(x + offsets), y.to(device))
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return model


def evaluate(model, loader, device: torch.device):
    model.eval()
    total = 0.0
    for x, y in loader:
        pred = model(x.to(device))
        total += (pred - y.to(device)).abs().sum()
    return total


def export(model):
    weights = torch.load("init.pt")
    model.load_state_dict(weights)
    scripted = torch.jit.script(model)
    probe = torch.ones(4, 16, require_grad=True)
    return scripted, probe
