# expect:
# A weight-dump script: the model is compiled only so that load_weights works, then its weights are written out;
# nothing here trains it, so the compile's loss is never computed.
import sys

from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.models import Model

inputs = Input(shape=(20,))
scores = Dense(256)(inputs)
model = Model(inputs, scores)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.load_weights(sys.argv[1])
for layer in model.layers:
    print(layer.name, [w.shape for w in layer.get_weights()])
