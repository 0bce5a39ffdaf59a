# expect: none
# Attention weights: Dense(1) then softmax over time after Flatten -- not a one-unit softmax.
from keras.layers import Input, Dense, LSTM, Flatten, Activation, RepeatVector, Permute, Multiply, Lambda
from keras.models import Model
import keras.backend as K

inputs = Input(shape=(50, 64))
activations = LSTM(64, return_sequences=True)(inputs)
attention = Dense(1, activation='tanh')(activations)
attention = Flatten()(attention)
attention = Activation('softmax')(attention)
attention = RepeatVector(64)(attention)
attention = Permute([2, 1])(attention)
sent_representation = Multiply()([activations, attention])
sent_representation = Lambda(lambda xin: K.sum(xin, axis=-2))(sent_representation)
probabilities = Dense(3, activation='softmax')(sent_representation)
model = Model(inputs=inputs, outputs=probabilities)
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
