# expect: LM002:27 LM002:28
# Kaggle-style segmentation with segmentation_models_pytorch: the Unet is built with activation="sigmoid", so
# its forward already returns probabilities, and both the mask loss and the image-level label loss (the
# aux_params head, sigmoid too) apply the sigmoid again.
import segmentation_models_pytorch as smp
import torch
from torch import nn

ENCODER = "efficientnet-b3"
model = smp.Unet(
    encoder_name=ENCODER,
    encoder_weights="imagenet",
    in_channels=3,
    classes=1,
    activation="sigmoid",
    aux_params=dict(classes=4, activation="sigmoid", dropout=0.2),
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
