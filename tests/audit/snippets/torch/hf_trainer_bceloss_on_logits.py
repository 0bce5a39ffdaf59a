# expect: LM003:15 LM001:26
# HuggingFace Trainer subclasses for a multi-label tagger: compute_loss gets a transformers model, whose outputs'
# logits are raw scores. nn.BCELoss on them expects probabilities; the second trainer softmaxes the logits and
# hands them to CrossEntropyLoss, which applies the softmax again.
import torch
from torch import nn
from transformers import Trainer


class MultiLabelTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.get("logits")
        loss = nn.BCELoss()(logits.view(-1), labels.float().view(-1))
        return (loss, outputs) if return_outputs else loss


class WeightedTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        probs = torch.softmax(outputs.logits, dim=-1)
        weights = torch.tensor([1.0, 3.0], device=probs.device)
        loss_fct = nn.CrossEntropyLoss(weight=weights)
        loss = loss_fct(probs, labels)
        return (loss, outputs) if return_outputs else loss
