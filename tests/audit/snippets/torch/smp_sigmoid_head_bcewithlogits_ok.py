# expect:
# The twin: smp's default activation (None) returns logits from both heads, and BCEWithLogitsLoss applies the
# one sigmoid; torch.sigmoid is only taken for the masks written out at inference.
import segmentation_models_pytorch as smp
import torch
from torch import nn

ENCODER = "efficientnet-b3"
model = smp.Unet(
    encoder_name=ENCODER,
    encoder_weights="imagenet",
    in_channels=3,
    classes=1,
    aux_params=dict(classes=4, dropout=0.2),
)
mask_loss = nn.BCEWithLogitsLoss()
label_loss = nn.BCEWithLogitsLoss()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

for epoch in range(20):
    model.train()
    for images, masks, labels in train_loader:
        optimizer.zero_grad()
        mask_pred, label_pred = model(images)
        loss = mask_loss(mask_pred, masks) + \
            0.4 * label_loss(label_pred, labels)
        loss.backward()
        optimizer.step()

model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(test_images)[0])
