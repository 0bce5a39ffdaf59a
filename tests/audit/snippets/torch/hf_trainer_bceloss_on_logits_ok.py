# expect:
# The twin: BCEWithLogitsLoss takes the transformers model's raw logits, and the weighted cross-entropy gets the
# logits themselves; the softmax is only taken for the probabilities logged.
import torch
from torch import nn
from transformers import Trainer


class MultiLabelTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.get("logits")
        loss = nn.BCEWithLogitsLoss()(logits.view(-1), labels.float().view(-1))
        return (loss, outputs) if return_outputs else loss


class WeightedTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        probs = torch.softmax(outputs.logits, dim=-1)
        weights = torch.tensor([1.0, 3.0], device=probs.device)
        loss_fct = nn.CrossEntropyLoss(weight=weights)
        loss = loss_fct(outputs.logits, labels)
        return (loss, outputs) if return_outputs else loss
