"""Export the old model to ONNX for the demo app."""
import torch

from models import Classifier

model = Classifier()
model.load_state_dict(torch.load("old_classifier.pt"))
model.eval()
torch.onnx.export(model, torch.zeros(1, 40), "classifier.onnx")
