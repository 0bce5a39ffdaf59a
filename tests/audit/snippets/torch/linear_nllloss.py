# expect: LM004:28
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms

num_classes = 10

train_set = datasets.FashionMNIST("data", train=True, download=True, transform=transforms.ToTensor())
train_loader = torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3)
        self.fc = nn.Linear(16 * 26 * 26, num_classes)

    def forward(self, x):
        x = F.relu(self.conv(x))
        return self.fc(x.view(x.size(0), -1))


model = ConvNet()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for images, labels in train_loader:
    output = model(images)
    loss = F.nll_loss(output, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
