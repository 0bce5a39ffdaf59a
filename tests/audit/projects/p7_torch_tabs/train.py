import sys

import torch
import torch.nn as nn
import torch.optim as optim
from torch.autograd import Variable

from data import Timer, load_split
from model import SpeechNet

root = sys.argv[1] if len(sys.argv) > 1 else "data"
train_loader = torch.utils.data.DataLoader(load_split(root, "train"), batch_size=64, shuffle=True)

model = SpeechNet().cuda()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

for epoch in range(30):
    model.train()
    total = 0.0
    with Timer():
	for i, (inputs, targets) in enumerate(train_loader):
	    inputs = Variable(inputs.cuda(async=True))
	    targets = Variable(targets.cuda(async=True))
	    optimizer.zero_grad()
	    outputs = model(inputs)
	    loss = criterion(outputs, targets)
	    loss.backward()
	    optimizer.step()
	    total += loss.data[0]
    print "epoch %d: loss %.4f" % (epoch, total / len(train_loader))
    if epoch % 10 == 9:
	torch.save(model.state_dict(), "speech_%03d.pth" % epoch)
