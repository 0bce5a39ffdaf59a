import argparse

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler

from models import build_model

parser = argparse.ArgumentParser(description="music genre from audio features")
parser.add_argument("--csv", default="features_30_sec.csv")
args = parser.parse_args()

df = pd.read_csv(args.csv)
X = StandardScaler().fit_transform(df.drop(columns=["filename", "label"]).values)
le = LabelEncoder()
y = le.fit_transform(df["label"])
# y = to_categorical(y)
num_classes = len(np.unique(y))
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y)

model = build_model(X.shape[1], num_classes)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, validation_data=(X_test, y_test), epochs=60, batch_size=32)
