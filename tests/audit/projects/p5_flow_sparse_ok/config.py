IMG_SIZE = (150, 150)
BATCH_SIZE = 32
CLASSES = ["daisy", "dandelion", "rose", "sunflower", "tulip"]
NUM_CLASSES = len(CLASSES)
