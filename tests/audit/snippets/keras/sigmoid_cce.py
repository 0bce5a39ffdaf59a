# expect: LM011:22
from keras.models import Sequential
from keras.layers import Dense, Activation, Dropout
from keras.utils import to_categorical
from sklearn.preprocessing import LabelEncoder
import pandas as pd

data = pd.read_csv('iris.csv')
X = data.iloc[:, :4].values
encoder = LabelEncoder()
y = encoder.fit_transform(data['species'])
y = to_categorical(y)

model = Sequential()
model.add(Dense(16, input_dim=4))
model.add(Activation('relu'))
model.add(Dropout(0.1))
model.add(Dense(3))
model.add(Activation('sigmoid'))

model.compile(optimizer='adam',
              loss='categorical_crossentropy',
              metrics=['accuracy'])
model.fit(X, y, epochs=150, batch_size=10)
