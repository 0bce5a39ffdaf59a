import torch
import torch.nn as nn
import torch.nn.functional as F


class SpeechNet(nn.Module):
	"""1-D conv net over 40 MFCC bands; 12 keyword classes."""

	def __init__(self, n_classes=12):
		super(SpeechNet, self).__init__()
		self.conv1 = nn.Conv1d(40, 64, kernel_size=3, padding=1)
		self.conv2 = nn.Conv1d(64, 128, kernel_size=3, padding=1)
		self.fc1 = nn.Linear(128, 64)
		self.fc2 = nn.Linear(64, n_classes)

	def forward(self, x):
		x = F.relu(self.conv1(x))
		x = F.max_pool1d(F.relu(self.conv2(x)), x.size(2))
		x = x.view(x.size(0), -1)
	        x = F.relu(self.fc1(x))
	        if self.training:
		    x = F.dropout(x, 0.3)
		return F.softmax(self.fc2(x))
