from transformers import TrainingArguments

from models import TextCNN
from trainer import CustomTrainer


def main(train_dataset, eval_dataset):
    model = TextCNN(vocab_size=30000)
    args = TrainingArguments(output_dir="out", num_train_epochs=3, per_device_train_batch_size=32)
    trainer = CustomTrainer(model, args=args, train_dataset=train_dataset, eval_dataset=eval_dataset)
    trainer.train()
