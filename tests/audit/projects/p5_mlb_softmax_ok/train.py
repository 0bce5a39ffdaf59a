import argparse

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import MultiLabelBinarizer

from models import build_model

ap = argparse.ArgumentParser(description="movie genre tagging from plot summaries")
ap.add_argument("--csv", default="movies.csv")
ap.add_argument("--epochs", type=int, default=20)
args = ap.parse_args()

df = pd.read_csv(args.csv)
X = TfidfVectorizer(max_features=20000).fit_transform(df["plot"]).toarray()
mlb = MultiLabelBinarizer()
y = mlb.fit_transform(df["genres"].str.split("|"))
# y = to_categorical(y)  # single-genre version
n_labels = y.shape[1]

model = build_model(X.shape[1], n_labels)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
model.fit(X, y, epochs=args.epochs, batch_size=64, validation_split=0.1)
