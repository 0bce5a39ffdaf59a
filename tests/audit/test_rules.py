"""Every rule: realistic training scripts that must fire it (on the line marked ``# <-``), and look-alikes that
must not. The scripts are parsed only, never run, so they may name data and helpers that do not exist."""

from __future__ import annotations

import textwrap

import pytest

from lossmatch.audit import RULES, audit_source
from lossmatch.audit.rules import TRAINING_RULES

MARK = "# <-"


def marked_line(code: str) -> int:
    lines = [n for n, text in enumerate(code.splitlines(), start=1) if text.rstrip().endswith(MARK)]
    assert len(lines) == 1, "mark exactly one line with '# <-'"
    return lines[0]


def audit(code: str, path: str = "train.py"):
    return audit_source(textwrap.dedent(code), path)


FIRES = [
    # ------------------------------------------------------------------ LM001 softmax into a logits loss
    pytest.param("LM001", """
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers

        IMG_SIZE = 160
        num_classes = 10

        train_ds = keras.utils.image_dataset_from_directory("flowers/train", image_size=(IMG_SIZE, IMG_SIZE))
        inputs = keras.Input(shape=(IMG_SIZE, IMG_SIZE, 3))
        x = layers.Rescaling(1.0 / 255)(inputs)
        for filters in (32, 64, 128):
            x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
            x = layers.MaxPooling2D()(x)
        x = layers.GlobalAveragePooling2D()(x)
        outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
        model = keras.Model(inputs=inputs, outputs=outputs)
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # <-
                      metrics=["accuracy"])
        model.fit(train_ds, epochs=10)
    """, id="LM001-keras-functional-instance-from_logits"),
    pytest.param("LM001", """
        import numpy as np
        import tensorflow as tf

        NUM_CLASSES = 4
        loss_fn = tf.keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)


        def build_model(input_dim, num_classes=NUM_CLASSES):
            model = tf.keras.Sequential([
                tf.keras.layers.Dense(64, activation="relu", input_shape=(input_dim,)),
                tf.keras.layers.Dropout(0.3),
                tf.keras.layers.Dense(num_classes, activation="softmax"),
            ])
            model.compile(optimizer="adam", loss=loss_fn)  # <-
            return model


        x_train = np.load("features.npy")
        y_train = tf.keras.utils.to_categorical(np.load("labels.npy"), NUM_CLASSES)
        model = build_model(x_train.shape[1])
        model.fit(x_train, y_train, epochs=20, batch_size=32)
    """, id="LM001-keras-sequential-list-loss-variable"),
    pytest.param("LM001", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torchvision import datasets, transforms

        num_classes = 10


        class Net(nn.Module):
            def __init__(self):
                super(Net, self).__init__()
                self.conv1 = nn.Conv2d(1, 32, 3, 1)
                self.conv2 = nn.Conv2d(32, 64, 3, 1)
                self.fc1 = nn.Linear(9216, 128)
                self.fc2 = nn.Linear(128, num_classes)

            def forward(self, x):
                x = F.relu(self.conv1(x))
                x = F.max_pool2d(F.relu(self.conv2(x)), 2)
                x = torch.flatten(x, 1)
                x = F.relu(self.fc1(x))
                x = self.fc2(x)
                output = F.softmax(x, dim=1)
                return output


        def train(model, device, train_loader, optimizer, criterion, epoch):
            model.train()
            for batch_idx, (data, target) in enumerate(train_loader):
                data, target = data.to(device), target.to(device)
                optimizer.zero_grad()
                output = model(data)
                loss = criterion(output, target)  # <-
                loss.backward()
                optimizer.step()


        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        loader = torch.utils.data.DataLoader(datasets.MNIST("../data", train=True, download=True,
                                                            transform=transforms.ToTensor()), batch_size=64)
        model = Net().to(device)
        criterion = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
        for epoch in range(1, 15):
            train(model, device, loader, optimizer, criterion, epoch)
    """, id="LM001-torch-forward-F.softmax-criterion-passed-in"),
    pytest.param("LM001", """
        import torch
        from torch import nn

        class Head(nn.Module):
            def __init__(self, dim, n_classes):
                super().__init__()
                self.norm = nn.LayerNorm(dim)
                self.proj = nn.Linear(dim, n_classes)

            def forward(self, features):
                return self.proj(self.norm(features)).softmax(dim=-1)


        head = Head(768, 3)
        criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 2.0]))
        for batch in dataloader:
            probs = head(batch["features"])
            loss = criterion(  # <-
                probs,
                batch["label"],
            )
            loss.backward()
    """, id="LM001-torch-tensor-method-softmax-multiline-call"),
    pytest.param("LM001", """
        import torch
        import torch.nn as nn
        from collections import OrderedDict

        n_in, n_hidden, n_out = 784, 100, 10
        model = nn.Sequential(OrderedDict([
            ("fc1", nn.Linear(n_in, n_hidden)),
            ("relu", nn.ReLU()),
            ("fc2", nn.Linear(n_hidden, n_out)),
            ("softmax", nn.Softmax(dim=1)),
        ]))
        loss_fn = nn.CrossEntropyLoss()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        for epoch in range(5):
            for xb, yb in train_dl:
                pred = model(xb.view(-1, n_in))
                loss = loss_fn(pred, yb)  # <-
                loss.backward()
                opt.step()
                opt.zero_grad()
    """, id="LM001-torch-sequential-ordereddict-softmax"),
    pytest.param("LM001", """
        import tensorflow as tf

        n_input, n_classes = 784, 10
        x = tf.placeholder("float", [None, n_input])
        y = tf.placeholder("float", [None, n_classes])
        weights = {"h1": tf.Variable(tf.random_normal([n_input, 256])), "out": tf.Variable(tf.random_normal([256, n_classes]))}
        biases = {"b1": tf.Variable(tf.random_normal([256])), "out": tf.Variable(tf.random_normal([n_classes]))}


        def multilayer_perceptron(x):
            layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights["h1"]), biases["b1"]))
            out_layer = tf.matmul(layer_1, weights["out"]) + biases["out"]
            return tf.nn.softmax(out_layer)


        pred = multilayer_perceptron(x)
        cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))  # <-
        optimizer = tf.train.AdamOptimizer(learning_rate=0.001).minimize(cost)
    """, id="LM001-tf1-softmax_cross_entropy_with_logits-on-softmax"),
    pytest.param("LM001", """
        import torch
        import torch.nn.functional as F
        import pytorch_lightning as pl
        from torch import nn


        class LitClassifier(pl.LightningModule):
            def __init__(self, n_classes=10, lr=1e-3):
                super().__init__()
                self.save_hyperparameters()
                self.backbone = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 128), nn.ReLU())
                self.head = nn.Linear(128, n_classes)
                self.loss_fn = nn.CrossEntropyLoss()

            def forward(self, x):
                return torch.softmax(self.head(self.backbone(x)), dim=1)

            def training_step(self, batch, batch_idx):
                x, y = batch
                y_hat = self(x)
                loss = self.loss_fn(y_hat, y)  # <-
                self.log("train_loss", loss)
                return loss

            def configure_optimizers(self):
                return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
    """, id="LM001-lightning-criterion-attribute"),
    # ------------------------------------------------------------------ LM002 sigmoid into a logits loss
    pytest.param("LM002", """
        import torch
        import torch.nn as nn

        class Discriminator(nn.Module):
            def __init__(self, ndf=64):
                super().__init__()
                self.main = nn.Sequential(
                    nn.Conv2d(3, ndf, 4, 2, 1, bias=False),
                    nn.LeakyReLU(0.2, inplace=True),
                    nn.Conv2d(ndf, 1, 4, 1, 0, bias=False),
                    nn.Flatten(),
                )
                self.fc = nn.Linear(169, 1)

            def forward(self, x):
                return torch.sigmoid(self.fc(self.main(x)))


        netD = Discriminator().cuda()
        criterion = nn.BCEWithLogitsLoss()
        for real, _ in dataloader:
            output = netD(real.cuda()).view(-1)
            errD_real = criterion(output, torch.ones_like(output))  # <-
            errD_real.backward()
    """, id="LM002-torch-sigmoid-forward-BCEWithLogitsLoss"),
    pytest.param("LM002", """
        import torch
        import torch.nn as nn

        class Scorer(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(128, 1)

            def forward(self, x):
                return torch.sigmoid(self.fc(x))

        model, criterion = Scorer(), nn.BCEWithLogitsLoss()
        pred = torch.squeeze(model(x))
        loss = criterion(pred, y.float())  # <-
    """, id="LM002-torch-sigmoid-through-squeeze"),
    pytest.param("LM002", """
        from tensorflow import keras

        model = keras.Sequential()
        model.add(keras.layers.Embedding(10000, 16))
        model.add(keras.layers.GlobalAveragePooling1D())
        model.add(keras.layers.Dense(16, activation="relu"))
        model.add(keras.layers.Dense(1, activation="sigmoid"))
        model.compile(optimizer="adam",
                      loss=keras.losses.BinaryCrossentropy(from_logits=True),  # <-
                      metrics=["accuracy"])
    """, id="LM002-keras-add-sigmoid-from_logits-True"),
    # ------------------------------------------------------------------ LM003 raw scores into a probability loss
    pytest.param("LM003", """
        import tensorflow as tf

        num_classes = 10
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
        y_train = tf.keras.utils.to_categorical(y_train, num_classes)

        model = tf.keras.models.Sequential([
            tf.keras.layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(num_classes),
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])  # <-
        model.fit(x_train, y_train, epochs=3)
    """, id="LM003-keras-linear-output-string-loss"),
    pytest.param("LM003", """
        import torch
        import torch.nn.functional as F

        class LogReg(torch.nn.Module):
            def __init__(self, n):
                super().__init__()
                self.linear = torch.nn.Linear(n, 1)

            def forward(self, x):
                return self.linear(x)


        model = LogReg(8)
        for x, y in loader:
            loss = F.binary_cross_entropy(model(x), y)  # <-
    """, id="LM003-torch-linear-F.binary_cross_entropy"),
    # ------------------------------------------------------------------ LM004 NLLLoss on non-log-probabilities
    pytest.param("LM004", """
        import torch.nn as nn

        classes = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
        net = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 512), nn.ReLU(), nn.Linear(512, len(classes)),
                            nn.Softmax(dim=1))
        criterion = nn.NLLLoss()
        for inputs, labels in trainloader:
            outputs = net(inputs)
            loss = criterion(outputs, labels)  # <-
    """, id="LM004-torch-softmax-NLLLoss"),
    # ------------------------------------------------------------------ LM005 activation applied twice
    pytest.param("LM005", """
        from tensorflow import keras

        model = keras.Sequential([
            keras.layers.Dense(32, activation="relu", input_shape=(12,)),
            keras.layers.Dense(1, activation="sigmoid"),
            keras.layers.Activation("sigmoid"),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy")  # <-
        model.fit(x_train, y_train, epochs=5)
    """, id="LM005-keras-sigmoid-Dense-then-Activation-sigmoid"),
    # ------------------------------------------------------------------ LM010 softmax + binary CE over > 2 units
    pytest.param("LM010", """
        from tensorflow.keras.datasets import reuters
        from tensorflow.keras.preprocessing.text import Tokenizer
        from tensorflow.keras import models, layers, utils

        max_words = 1000
        (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=max_words, test_split=0.2)
        num_classes = max(y_train) + 1
        tokenizer = Tokenizer(num_words=max_words)
        x_train = tokenizer.sequences_to_matrix(x_train, mode="binary")
        y_train = utils.to_categorical(y_train, 46)

        model = models.Sequential()
        model.add(layers.Dense(512, input_shape=(max_words,), activation="relu"))
        model.add(layers.Dropout(0.5))
        model.add(layers.Dense(46, activation="softmax"))
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["categorical_accuracy"])  # <-
        model.fit(x_train, y_train, batch_size=32, epochs=5, validation_split=0.1)
    """, id="LM010-keras-reuters-softmax-bce"),
    pytest.param("LM010", """
        from keras.engine import Model
        from keras.layers import Dense, Input

        def build(vocab):
            inputs = Input(shape=(64,))
            out = Dense(len(vocab) + 1, activation="softmax")(inputs)
            model = Model(inputs, out)
            model.compile(optimizer="adam", loss="binary_crossentropy")  # <-
            return model
    """, id="LM010-keras-units-from-an-expression"),
    # ------------------------------------------------------------------ LM011 sigmoid + categorical CE
    pytest.param("LM011", """
        import keras
        from keras.layers import Dense, Activation

        n_features = 20
        n_classes = 5
        model = keras.models.Sequential()
        model.add(Dense(64, input_dim=n_features))
        model.add(Activation("relu"))
        model.add(Dense(n_classes))
        model.add(Activation("sigmoid"))
        model.compile(loss=keras.losses.categorical_crossentropy,  # <-
                      optimizer=keras.optimizers.SGD(learning_rate=0.01),
                      metrics=["categorical_accuracy"])
    """, id="LM011-keras-activation-layer-loss-function-ref"),
    pytest.param("LM011", """
        import tensorflow as tf

        NUM_INTENTS = 7
        model = tf.keras.Sequential([
            tf.keras.layers.Embedding(8000, 64),
            tf.keras.layers.GlobalMaxPooling1D(),
            tf.keras.layers.Dense(NUM_INTENTS, activation=tf.nn.sigmoid),
        ])
        model.compile(optimizer="adam",
                      loss=tf.keras.losses.CategoricalCrossentropy,  # <-
                      metrics=["accuracy"])
    """, id="LM011-keras-loss-class-not-instance-activation-ref"),
    pytest.param("LM011", """
        import tensorflow as tf

        n_labels = 23
        model = tf.keras.Sequential([
            tf.keras.layers.Dense(64, activation="relu"),
            tf.keras.layers.Dense(n_labels, activation="sigmoid"),
        ])
        model.compile(optimizer="adam",
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # <-
                      metrics=["accuracy"])
    """, id="LM011-keras-sigmoid-into-sparse-cce-from-logits"),
    pytest.param("LM011", """
        import torch
        from torch import nn

        class IntentNet(nn.Module):
            def __init__(self, vocab, n_intents):
                super().__init__()
                self.embed = nn.EmbeddingBag(vocab, 64)
                self.out = nn.Linear(64, n_intents)

            def forward(self, tokens, offsets):
                return torch.sigmoid(self.out(self.embed(tokens, offsets)))

        net = IntentNet(20000, 7)
        criterion = nn.CrossEntropyLoss()
        for tokens, offsets, intent in loader:
            loss = criterion(net(tokens, offsets), intent)  # <-
            loss.backward()
    """, id="LM011-torch-sigmoid-into-cross-entropy-loss"),
    # ------------------------------------------------------------------ LM012 multi-unit sigmoid BCE, single-label data
    pytest.param("LM012", """
        import tensorflow as tf
        from tensorflow.examples.tutorials.mnist import input_data

        mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.float32, [None, 10])
        hidden = tf.layers.dense(x, 128, activation=tf.nn.relu)
        logits = tf.layers.dense(hidden, 10)
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))  # <-
    """, id="LM012-tf1-mnist-tutorial-reader-sigmoid-cross-entropy"),
    pytest.param("LM012", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torchvision
        import torchvision.transforms as T

        NUM_CLASSES = 10
        trainset = torchvision.datasets.CIFAR10(root="./data", train=True, download=True, transform=T.ToTensor())
        trainloader = torch.utils.data.DataLoader(trainset, batch_size=128, shuffle=True, num_workers=2)
        model = torchvision.models.resnet18(num_classes=NUM_CLASSES)
        head = nn.Linear(512, NUM_CLASSES)
        criterion = nn.BCEWithLogitsLoss()
        for images, labels in trainloader:
            logits = head(model(images))
            targets = F.one_hot(labels, num_classes=NUM_CLASSES).float()
            loss = criterion(logits, targets)  # <-
            loss.backward()
    """, id="LM012-torch-cifar10-one_hot-BCEWithLogits"),
    # ------------------------------------------------------------------ LM013 categorical CE on one unit
    pytest.param("LM013", """
        import torch
        import torch.nn as nn

        class SpamClassifier(nn.Module):
            def __init__(self, vocab_size, embed_dim=64):
                super().__init__()
                self.embedding = nn.EmbeddingBag(vocab_size, embed_dim)
                self.out = nn.Linear(embed_dim, 1)

            def forward(self, tokens, offsets):
                return self.out(self.embedding(tokens, offsets))


        model = SpamClassifier(20000)
        loss_fn = nn.CrossEntropyLoss()
        for tokens, offsets, is_spam in loader:
            loss = loss_fn(model(tokens, offsets), is_spam)  # <-
            loss.backward()
    """, id="LM013-torch-one-unit-CrossEntropyLoss"),
    # ------------------------------------------------------------------ LM014 softmax over one unit
    pytest.param("LM014", """
        from keras.models import Sequential
        from keras.layers import Dense, Dropout

        model = Sequential()
        model.add(Dense(12, input_dim=8, activation="relu"))
        model.add(Dropout(0.2))
        model.add(Dense(1, activation="softmax"))  # <-
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
        model.fit(X, Y, epochs=150, batch_size=10)
    """, id="LM014-keras-dense-1-softmax"),
    pytest.param("LM014", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class Fraud(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(30, 16)
                self.fc2 = nn.Linear(16, 1)

            def forward(self, x):
                x = F.relu(self.fc1(x))
                return F.softmax(self.fc2(x), dim=1)  # <-


        model = Fraud()
        criterion = nn.BCELoss()
        for x, y in loader:
            loss = criterion(model(x), y.unsqueeze(1))
    """, id="LM014-torch-softmax-dim1-one-unit-into-loss"),
    # ------------------------------------------------------------------ LM015 softmax on multi-hot targets
    pytest.param("LM015", """
        import pandas as pd
        from sklearn.preprocessing import MultiLabelBinarizer
        from tensorflow import keras

        posters = pd.read_csv("posters.csv")
        mlb = MultiLabelBinarizer()
        y = mlb.fit_transform(posters["genres"].str.split(","))

        model = keras.Sequential([
            keras.layers.Dense(256, activation="relu", input_shape=(2048,)),
            keras.layers.Dense(25, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="categorical_crossentropy")  # <-
        model.fit(features, y, epochs=10)
    """, id="LM015-keras-multilabelbinarizer-softmax"),
    # ------------------------------------------------------------------ LM016 two-unit softmax + BCE (info)
    pytest.param("LM016", """
        import keras
        from keras.datasets import imdb

        (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)
        y_train = keras.utils.to_categorical(y_train, 2)
        model = keras.Sequential([
            keras.layers.Embedding(10000, 32),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(2, activation="softmax"),
        ])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])  # <-
        model.fit(x_train, y_train, epochs=4)
    """, id="LM016-keras-two-unit-softmax-bce"),
    # ------------------------------------------------------------------ LM020 'accuracy' -> binary accuracy
    pytest.param("LM020", """
        import numpy as np
        import keras
        from keras.models import Sequential
        from keras.layers import Dense
        from keras.utils import to_categorical

        num_classes = 3
        data = np.loadtxt("seeds.csv", delimiter=",")
        X, labels = data[:, :7], data[:, 7].astype(int) - 1
        y = to_categorical(labels, num_classes=num_classes)

        model = Sequential()
        model.add(Dense(16, activation="relu", input_dim=7))
        model.add(Dense(num_classes, activation="sigmoid"))
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])  # <-
        model.fit(X, y, epochs=100)
    """, id="LM020-standalone-keras-sigmoid-bce-accuracy"),
    pytest.param("LM020", """
        import numpy as np
        import tensorflow as tf
        from tensorflow import keras

        tf.compat.v1.disable_eager_execution()
        sess = tf.Session()
        keras.backend.set_session(sess)
        x, labels = np.load("x.npy"), np.load("y.npy")
        y = keras.utils.to_categorical(labels, 5)
        model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(5, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])  # <-
        model.fit(x, y, epochs=20)
    """, id="LM020-tf.keras-in-tensorflow-1-code"),
    # ------------------------------------------------------------------ LM021 'accuracy' -> categorical accuracy
    pytest.param("LM021", """
        import keras
        from sklearn.preprocessing import MultiLabelBinarizer

        mlb = MultiLabelBinarizer()
        y_train = mlb.fit_transform(train_tags)
        n_tags = 30
        model = keras.Sequential([
            keras.Input(shape=(128,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(n_tags, activation="sigmoid"),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])  # <-
        model.fit(x_train, y_train, epochs=10)
    """, id="LM021-keras3-multilabel-accuracy"),
    # ------------------------------------------------------------------ LM030 sparse loss, one-hot labels
    pytest.param("LM030", """
        import tensorflow as tf

        n_classes = 10
        images = tf.placeholder(tf.float32, [None, 784])
        labels = tf.placeholder(tf.int64, [None])
        onehot = tf.one_hot(labels, depth=n_classes)
        logits = tf.layers.dense(images, n_classes)
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=onehot, logits=logits))  # <-
    """, id="LM030-tf1-sparse-with-tf.one_hot"),
    pytest.param("LM030", """
        import numpy as np
        import tensorflow as tf

        labels = np.load("labels.npy")
        y = np.eye(5)[labels]
        model = tf.keras.Sequential([tf.keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")  # <-
        model.fit(x, y, epochs=3)
    """, id="LM030-keras-sparse-with-np.eye-rows"),
    # ------------------------------------------------------------------ LM031 one-hot loss, index labels
    pytest.param("LM031", """
        from tensorflow import keras

        (train_images, train_labels), (test_images, test_labels) = keras.datasets.fashion_mnist.load_data()
        train_images = train_images.reshape((60000, 28 * 28)).astype("float32") / 255
        network = keras.models.Sequential()
        network.add(keras.layers.Dense(512, activation="relu", input_shape=(28 * 28,)))
        network.add(keras.layers.Dense(10, activation="softmax"))
        network.compile(optimizer="rmsprop",
                        loss=keras.losses.CategoricalCrossentropy(),  # <-
                        metrics=["accuracy"])
        network.fit(train_images, train_labels, epochs=5, batch_size=128)
    """, id="LM031-keras-class-instance-index-labels"),
    # ------------------------------------------------------------------ LM040 / LM041 logs by hand
    pytest.param("LM040", """
        import tensorflow as tf

        xs = tf.placeholder(tf.float32, [None, 784])
        ys = tf.placeholder(tf.float32, [None, 10])

        def add_layer(inputs, in_size, out_size, activation_function=None):
            scores = tf.matmul(inputs, tf.Variable(tf.zeros([in_size, out_size])))
            if activation_function is None:
                outputs = scores
            else:
                outputs = activation_function(scores)
            return outputs

        prediction = add_layer(xs, 784, 10, activation_function=tf.nn.softmax)
        cross_entropy = tf.reduce_mean(-tf.reduce_sum(ys * tf.log(prediction), axis=1))  # <-
    """, id="LM040-tf1-activation-passed-to-a-layer-helper"),
    pytest.param("LM001", """
        import torch.nn as nn
        import torch.nn.functional as F

        class TinyLM(nn.Module):
            def __init__(self, vocab=100, dim=32):
                super().__init__()
                self.embed = nn.Embedding(vocab, dim)
                self.head = nn.Linear(dim, vocab)

            def forward(self, idx, targets=None):
                probs = F.softmax(self.head(self.embed(idx)), dim=-1)
                if targets is None:
                    return probs, None
                loss = F.cross_entropy(probs.view(-1, probs.size(-1)), targets.view(-1))  # <-
                return probs, loss

        model = TinyLM()
        probs, _ = model(idx)
    """, id="LM001-loss-behind-targets-is-None-in-a-forward-called-without-targets"),
    pytest.param("LM001", """
        import tensorflow as tf

        inputs = tf.keras.Input(shape=(16,))
        outputs = tf.keras.layers.Dense(3, activation="softmax")(inputs)
        model = tf.keras.Model(inputs, outputs)
        probs = model(features)
        loss = tf.nn.softmax_cross_entropy_with_logits(logits=tf.cast(probs, tf.float32), labels=labels)  # <-
    """, id="LM001-softmax-cast-to-float32-into-a-logits-loss"),
    pytest.param("LM004", """
        import torch.nn as nn
        import torch.nn.functional as F

        class PartSegNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.cls = nn.Linear(64, 16)
                self.seg = nn.Linear(64, 50)

            def forward(self, x):
                return self.cls(x), F.log_softmax(self.seg(x), dim=-1)

        class PartSegLoss(nn.Module):
            def forward(self, labels_pred, label, seg_pred, seg):
                return F.nll_loss(seg_pred, seg) + F.nll_loss(labels_pred, label)

        model, criterion = PartSegNet(), PartSegLoss()

        def train_step(points, label, seg):
            labels_pred, seg_pred = model(points)
            return criterion(labels_pred, label, seg_pred, seg)  # <-
    """, id="LM004-second-library-loss-of-a-loss-class"),
    pytest.param("LM040", """
        import torch
        import torch.nn.functional as F

        def soft_target_loss(student_logits, teacher_logits, T=4.0):
            student = F.softmax(student_logits / T, dim=-1)
            teacher = F.softmax(teacher_logits / T, dim=-1)
            return -(teacher * torch.log(student)).sum(dim=-1).mean()  # <-
    """, id="LM040-torch-log-of-softmax-in-helper"),
    pytest.param("LM041", """
        import numpy as np
        import torch

        def focal_loss(logits, targets, gamma=2.0):
            p = torch.sigmoid(logits)
            log_p = torch.log(p)  # <-
            return -(targets * (1 - p) ** gamma * log_p).mean()
    """, id="LM041-torch-log-of-sigmoid"),
    # ------------------------------------------------------------------ LM050 log_softmax into CrossEntropyLoss
    pytest.param("LM050", """
        import torch.nn as nn
        import torch.nn.functional as F

        class Tagger(nn.Module):
            def __init__(self, n_tags=17):
                super().__init__()
                self.lstm = nn.LSTM(100, 128, batch_first=True)
                self.fc = nn.Linear(128, n_tags)

            def forward(self, x):
                out, _ = self.lstm(x)
                return F.log_softmax(self.fc(out[:, -1]), dim=1)


        model = Tagger()
        criterion = nn.CrossEntropyLoss()
        for x, y in loader:
            loss = criterion(model(x), y)  # <-
    """, id="LM050-torch-log_softmax-CrossEntropyLoss"),
    pytest.param("LM001", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class MatchingHead(nn.Module):
            def forward(self, similarities, support_labels_one_hot):
                attention = F.softmax(similarities, dim=1)
                return attention.unsqueeze(1).bmm(support_labels_one_hot).squeeze(1)

        head = MatchingHead()
        probs = head(scores, support_y)
        loss = F.cross_entropy(probs, query_y)  # <-
    """, id="LM001-torch-softmax-attention-over-one-hot-labels"),
    pytest.param("LM001", """
        import torch.nn as nn
        import torch.nn.functional as F

        class LogReg(nn.Module):
            def __init__(self, n_in, n_classes):
                super().__init__()
                self.n_classes = n_classes
                self.linear = nn.Linear(n_in, n_classes)

            def forward(self, x):
                x = self.linear(x)
                if self.n_classes <= 2:
                    x = F.sigmoid(x)
                else:
                    x = F.softmax(x, dim=1)
                return x

        model = LogReg(20, 5)
        loss = F.cross_entropy(model(x), y)  # <-
    """, id="LM001-torch-sigmoid-or-softmax-by-branches-into-cross-entropy"),
    pytest.param("LM001", """
        import torch.nn as nn
        from torchvision import models

        model = models.resnet50(weights="IMAGENET1K_V2")
        for p in model.parameters():
            p.requires_grad = False
        model.fc = nn.Sequential(nn.Linear(2048, 256), nn.ReLU(), nn.Dropout(0.4), nn.Linear(256, 5),
                                 nn.Softmax(dim=1))
        model = model.to("cuda")
        criterion = nn.CrossEntropyLoss()
        for images, labels in loader:
            loss = criterion(model(images), labels)  # <-
    """, id="LM001-torch-pretrained-resnet-with-a-softmax-head"),
    pytest.param("LM001", """
        import torch.nn as nn

        class MLP(nn.Module):
            def __init__(self, sizes):
                super().__init__()
                layers = []
                for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                    layers.append(nn.Linear(n_in, n_out))
                    layers.append(nn.ReLU())
                layers.pop()
                layers.append(nn.Softmax(dim=1))
                self.layers = nn.ModuleList(layers)

            def forward(self, x):
                for layer in self.layers:
                    x = layer(x)
                return x

        model = MLP([64, 32, 10])
        loss = nn.CrossEntropyLoss()(model(x), y)  # <-
    """, id="LM001-torch-modulelist-forward-loop-ending-in-softmax"),
    # ------------------------------------------------------------------ LM090 unparsable file
    pytest.param("LM090", """
        import numpy as np

        def load(path):
            print "loading", path  # <-
            return sorted(np.load(path).items(), key=lambda (name, array): array.size)
    """, id="LM090-python2-tuple-parameter"),
    # ------------------------------------------------------------------ LM091 read through the Python 2 rewrite
    pytest.param("LM091", """\
        import numpy as np  # <-

        def load(path):
            try:
                data = np.load(path)
            except IOError, e:
                print "cannot load", path, e
                raise
            return data
    """, id="LM091-python2-print-and-except"),
    # ------------------------------------------------------------------ LM092 a statement too deep to follow
    pytest.param("LM092", "import torch.nn as nn\n\ntotal = " + "+".join(["1"] * 1500) + "  # <-\n"
                 "criterion = nn.CrossEntropyLoss()\n", id="LM092-generated-sum"),
    # ------------------------------------------------------------------ LM093 a few lines skipped, the rest read
    pytest.param("LM093", "from keras.models import Sequential\nfrom keras.layers import Dense\n\n\ndef build():\n"
                 "    model = Sequential()\n    model.add(Dense(64, activation='relu', input_dim=784))\n"
                 "    model.add(Dense(10, activation='softmax'))\n"
                 "\topt = 'adam'  # <-\n    model.compile(loss='categorical_crossentropy', optimizer='adam')\n"
                 "    return model\n" + "".join(f"# note {i}\nSTEP_{i} = {i}\n" for i in range(10)),
                 id="LM093-tab-mixed-into-space-indentation"),
]

QUIET = [
    pytest.param("LM001", """
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(16, 4)

            def forward(self, x):
                out = self.fc(x)
                if not self.training:
                    out = F.softmax(out, dim=-1)
                return out

        model, criterion = Net(), nn.CrossEntropyLoss()
        loss = criterion(model(x), y)
    """, (), id="LM001-quiet-softmax-only-in-eval-mode"),
    pytest.param("LM001", """
        import tensorflow as tf
        from tensorflow import keras

        num_classes = 10
        inputs = keras.Input(shape=(784,))
        x = keras.layers.Dense(128, activation="relu")(inputs)
        logits = keras.layers.Dense(num_classes)(x)
        model = keras.Model(inputs, logits)
        model.compile(optimizer="adam",
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        probability_model = keras.Sequential([model, keras.layers.Softmax()])
        predictions = probability_model.predict(x_test)
    """, (), id="LM001-quiet-keras-logits-from_logits-True"),
    pytest.param("LM001", """
        from tensorflow import keras

        num_classes = 10
        model = keras.Sequential([keras.layers.Dense(num_classes, activation="softmax")])
        model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False))
    """, (), id="LM001-quiet-keras-softmax-from_logits-False"),
    pytest.param("LM001", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class AttentionPool(nn.Module):
            def __init__(self, hidden=256, n_classes=5):
                super().__init__()
                self.rnn = nn.GRU(300, hidden, batch_first=True)
                self.score = nn.Linear(hidden, 1)
                self.classifier = nn.Linear(hidden, n_classes)

            def forward(self, x):
                h, _ = self.rnn(x)
                weights = torch.softmax(self.score(h), dim=1)
                pooled = (weights * h).sum(dim=1)
                return self.classifier(pooled)


        model = AttentionPool()
        criterion = nn.CrossEntropyLoss()
        for x, y in loader:
            logits = model(x)
            loss = criterion(logits, y)
            accuracy = (F.softmax(logits, dim=1).argmax(1) == y).float().mean()
    """, (), id="LM001-LM014-quiet-torch-attention-softmax-inside-model"),
    pytest.param("LM001", """
        import tensorflow as tf

        num_classes = 10
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, num_classes])
        logits = tf.layers.dense(tf.layers.dense(x, 128, activation=tf.nn.relu), num_classes)
        y = tf.nn.softmax(logits)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
    """, (), id="LM001-quiet-tf1-logits-into-with_logits"),
    pytest.param("LM002", """
        import torch
        import torch.nn as nn

        model = nn.Sequential(nn.Linear(30, 16), nn.ReLU(), nn.Linear(16, 1))
        criterion = nn.BCEWithLogitsLoss()
        for x, y in loader:
            logits = model(x)
            loss = criterion(logits, y)
            predicted = (torch.sigmoid(logits) > 0.5).long()
    """, (), id="LM002-quiet-torch-logits-BCEWithLogits-sigmoid-for-metrics"),
    pytest.param("LM003", """
        from tensorflow import keras

        model = keras.Sequential()
        model.add(keras.layers.Dense(64, activation="relu", input_shape=(20,)))
        model.add(keras.layers.Dense(10))
        model.add(keras.layers.Activation("softmax"))
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    """, (), id="LM003-quiet-keras-separate-activation-layer"),
    pytest.param("LM004", """
        import torch.nn as nn

        net = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.LogSoftmax(dim=1))
        criterion = nn.NLLLoss()
        for images, labels in trainloader:
            loss = criterion(net(images.view(images.shape[0], -1)), labels)
    """, (), id="LM004-quiet-torch-LogSoftmax-NLLLoss"),
    pytest.param("LM005", """
        from tensorflow import keras

        model = keras.Sequential([
            keras.layers.Dense(32, activation="sigmoid", input_shape=(12,)),
            keras.layers.Dense(1),
            keras.layers.Activation("sigmoid"),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(x_train, y_train, epochs=5)
    """, (), id="LM005-quiet-keras-sigmoid-hidden-layer-then-linear-then-sigmoid"),
    pytest.param("LM010", """
        import keras
        from keras.datasets import mnist

        (x_train, y_train), _ = mnist.load_data()
        y_train = keras.utils.to_categorical(y_train, 10)
        model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        model.fit(x_train, y_train)
    """, (), id="LM010-quiet-softmax-categorical"),
    pytest.param("LM010", """
        from keras.layers import Dense, Input
        from keras.models import Model

        def build(vocab):
            inputs = Input(shape=(64,))
            out = Dense(len(vocab) + 1, activation="softmax")(inputs)
            model = Model(inputs, out)
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            return model
    """, (), id="LM010-quiet-units-from-an-expression-categorical"),
    pytest.param("LM011", """
        from tensorflow import keras

        model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(20, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=[keras.metrics.AUC(multi_label=True)])
    """, (), id="LM011-quiet-sigmoid-binary"),
    pytest.param("LM012", """
        import torch
        import torch.nn as nn

        NUM_LABELS = 20
        model = nn.Sequential(nn.Linear(2048, 512), nn.ReLU(), nn.Linear(512, NUM_LABELS), nn.Sigmoid())
        criterion = nn.BCELoss()
        for features, multi_hot in voc_loader:
            loss = criterion(model(features), multi_hot.float())
    """, (), id="LM012-quiet-torch-multi-unit-sigmoid-BCE-unknown-labels"),
    pytest.param("LM012", """
        import numpy as np
        import torch
        import torch.nn as nn
        from sklearn.preprocessing import MultiLabelBinarizer

        mlb = MultiLabelBinarizer()
        targets = torch.tensor(mlb.fit_transform(tag_lists), dtype=torch.float32)
        model = nn.Sequential(nn.Linear(300, 128), nn.ReLU(), nn.Linear(128, 40))
        criterion = nn.BCEWithLogitsLoss()
        loss = criterion(model(features), targets)
    """, (), id="LM012-quiet-torch-multilabel-evidence"),
    pytest.param("LM013", """
        import torch.nn as nn

        model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2))
        loss_fn = nn.CrossEntropyLoss()
        loss = loss_fn(model(x), y)
    """, (), id="LM013-quiet-torch-two-units"),
    pytest.param("LM014", """
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential()
        model.add(Dense(12, input_dim=8, activation="relu"))
        model.add(Dense(1, activation="sigmoid"))
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    """, (), id="LM014-quiet-keras-dense-1-sigmoid"),
    pytest.param("LM014", """
        from keras.models import Sequential
        from keras.layers import Conv2D, Flatten

        model = Sequential()
        model.add(Conv2D(48, 3, padding="same", data_format="channels_first", activation="relu",
                         input_shape=(11, 19, 19)))
        # one filter on axis 1: Keras' softmax runs over the last axis, the board's 19 columns
        model.add(Conv2D(filters=1, kernel_size=1, padding="same", data_format="channels_first",
                         activation="softmax"))
        model.add(Flatten())
        model.compile("sgd", "categorical_crossentropy", metrics=["accuracy"])
    """, (), id="LM014-quiet-keras-channels-first-conv-one-filter"),
    pytest.param("LM015", """
        from sklearn.preprocessing import MultiLabelBinarizer
        from tensorflow import keras

        y = MultiLabelBinarizer().fit_transform(genres)
        model = keras.Sequential([keras.layers.Dense(256, activation="relu"), keras.layers.Dense(25, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
        model.fit(features, y, epochs=10)
    """, (), id="LM015-quiet-multilabel-sigmoid"),
    pytest.param("LM016", """
        from tensorflow import keras

        model = keras.Sequential([keras.layers.Dense(32, activation="relu"), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    """, (), id="LM016-quiet-two-unit-softmax-categorical"),
    pytest.param("LM020", """
        from keras import layers, models
        from keras.datasets import imdb

        (train_data, train_labels), _ = imdb.load_data(num_words=10000)
        model = models.Sequential()
        model.add(layers.Dense(16, activation="relu", input_shape=(10000,)))
        model.add(layers.Dense(1, activation="sigmoid"))
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
        model.fit(train_data, train_labels, epochs=4)
    """, (), id="LM020-quiet-standalone-keras-one-sigmoid-unit-on-binary-imdb"),
    pytest.param("LM020", """
        import tensorflow as tf
        from tensorflow.keras.datasets import mnist

        (x_train, y_train), _ = mnist.load_data()
        y_train = tf.keras.utils.to_categorical(y_train, 10)
        model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    """, ("LM010",), id="LM020-quiet-tf.keras-picks-accuracy-by-shape"),
    pytest.param("LM020", """
        import keras
        from keras.datasets import mnist

        (x_train, y_train), _ = mnist.load_data()
        y_train = keras.utils.to_categorical(y_train, 10)
        model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["categorical_accuracy"])
    """, ("LM010",), id="LM020-quiet-named-categorical_accuracy"),
    pytest.param("LM020", """
        import keras

        model = keras.Sequential([keras.layers.Dense(32, activation="relu"), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    """, ("LM016",), id="LM020-quiet-two-unit-softmax-accuracy-is-exact"),
    pytest.param("LM021", """
        import keras
        from sklearn.preprocessing import MultiLabelBinarizer

        y_train = MultiLabelBinarizer().fit_transform(train_tags)
        model = keras.Sequential([keras.Input(shape=(128,)), keras.layers.Dense(30, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
        model.fit(x_train, y_train, epochs=10)
    """, (), id="LM021-quiet-binary_accuracy"),
    pytest.param("LM030", """
        import torch.nn as nn
        import torch.nn.functional as F

        criterion = nn.CrossEntropyLoss()
        model = nn.Linear(100, 10)
        targets = F.one_hot(labels, num_classes=10).float()
        loss = criterion(model(x), targets)
    """, (), id="LM030-quiet-torch-CrossEntropyLoss-takes-probabilities"),
    pytest.param("LM031", """
        from tensorflow import keras

        (x, y), _ = keras.datasets.fashion_mnist.load_data()
        model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x, y, epochs=5)
    """, (), id="LM031-quiet-sparse-with-index-labels"),
    pytest.param("LM031", """
        from tensorflow import keras

        (x, y), _ = keras.datasets.imdb.load_data(num_words=5000)
        model = keras.Sequential([keras.layers.Embedding(5000, 16), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit(x, y)
    """, ("LM013",), id="LM031-quiet-one-unit-is-LM013"),
    pytest.param("LM040", """
        import tensorflow as tf
        from tensorflow import keras

        model = keras.Sequential([keras.layers.GRU(128, return_sequences=True),
                                  keras.layers.Dense(39, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")

        def next_char(text, temperature=1):
            y_proba = model(preprocess([text]))[0, -1:, :]
            rescaled_logits = tf.math.log(y_proba) / temperature
            return tf.random.categorical(rescaled_logits, num_samples=1)
    """, (), id="LM040-quiet-log-of-probabilities-rescaled-by-a-temperature-for-a-sampler"),
    pytest.param("LM040", """
        import tensorflow as tf

        xs = tf.placeholder(tf.float32, [None, 784])
        ys = tf.placeholder(tf.float32, [None, 10])

        def add_layer(inputs, in_size, out_size, activation_function=None):
            scores = tf.matmul(inputs, tf.Variable(tf.zeros([in_size, out_size])))
            if activation_function is None:
                outputs = scores
            else:
                outputs = activation_function(scores)
            return outputs

        hidden = add_layer(xs, 784, 10, activation_function=tf.nn.relu)
        logits = add_layer(hidden, 10, 10)
        prediction = tf.nn.softmax(logits)
        cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=ys, logits=logits))
    """, (), id="LM040-tf1-layer-helper-without-activation-and-the-fused-loss"),
    pytest.param("LM004", """
        import torch.nn as nn
        import torch.nn.functional as F

        class PartSegNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.cls = nn.Linear(64, 16)
                self.seg = nn.Linear(64, 50)

            def forward(self, x):
                return F.log_softmax(self.cls(x), dim=-1), F.log_softmax(self.seg(x), dim=-1)

        class PartSegLoss(nn.Module):
            def forward(self, labels_pred, label, seg_pred, seg):
                return F.nll_loss(seg_pred, seg) + F.nll_loss(labels_pred, label)

        model, criterion = PartSegNet(), PartSegLoss()

        def train_step(points, label, seg):
            labels_pred, seg_pred = model(points)
            return criterion(labels_pred, label, seg_pred, seg)
    """, (), id="LM004-loss-class-with-two-library-losses-on-log-probabilities"),
    pytest.param("LM040", """
        import torch
        import torch.nn.functional as F

        def kd_loss(student_logits, teacher_logits, T=4.0):
            log_student = F.log_softmax(student_logits / T, dim=-1)
            teacher = F.softmax(teacher_logits / T, dim=-1)
            return F.kl_div(log_student, teacher, reduction="batchmean") * T * T
    """, (), id="LM040-quiet-log_softmax"),
    pytest.param("LM041", """
        import torch
        import torch.nn.functional as F

        def bce(logits, y):
            return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()

        def log_odds(p):
            return torch.log(p) - torch.log1p(-p)
    """, (), id="LM041-quiet-logsigmoid"),
    pytest.param("LM050", """
        import torch.nn as nn
        import torch.nn.functional as F

        class Tagger(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(128, 17)

            def forward(self, x):
                return F.log_softmax(self.fc(x), dim=1)


        model = Tagger()
        criterion = nn.NLLLoss()
        loss = criterion(model(x), y)
    """, (), id="LM050-quiet-log_softmax-NLLLoss"),
    pytest.param("LM001", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class AttentionPool(nn.Module):
            def __init__(self):
                super().__init__()
                self.out = nn.Linear(64, 10)

            def forward(self, scores, values):
                attention = F.softmax(scores, dim=-1)
                return attention @ values

        pool = AttentionPool()
        context = pool(scores, features)
        loss = F.cross_entropy(context, labels)
        mixed = torch.bmm(F.softmax(scores, dim=-1), hidden_states)
        loss = loss + F.cross_entropy(mixed.squeeze(1), labels)
    """, (), id="LM001-quiet-softmax-attention-over-features"),
    pytest.param("LM012", """
        import tensorflow as tf
        from tensorflow.examples.tutorials.mnist import input_data

        mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
        x = tf.placeholder(tf.float32, [None, 784])
        code = tf.layers.dense(x, 32, activation=tf.nn.relu)
        logits = tf.layers.dense(code, 784)
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits))
    """, (), id="LM012-quiet-tf1-autoencoder-on-mnist-reconstructs-784-pixels"),
    pytest.param("LM012", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torchvision import datasets, transforms

        loader = torch.utils.data.DataLoader(datasets.MNIST("data", transform=transforms.ToTensor()), batch_size=64)

        class AutoEncoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.enc = nn.Linear(784, 20)
                self.dec = nn.Linear(20, 784)

            def forward(self, x):
                return torch.sigmoid(self.dec(F.relu(self.enc(x.view(-1, 784)))))

        model = AutoEncoder()
        for data, _ in loader:
            loss = F.binary_cross_entropy(model(data), data.view(-1, 784))
    """, (), id="LM012-quiet-torch-vae-style-reconstruction-on-mnist"),
    pytest.param("LM001", """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class LogReg(nn.Module):
            def __init__(self, n_in, n_classes):
                super().__init__()
                self.n_classes = n_classes
                self.linear = nn.Linear(n_in, n_classes)

            def forward(self, x):
                x = self.linear(x)
                return F.sigmoid(x) if self.n_classes == 1 else F.softmax(x, dim=1)

        model = LogReg(20, 5)
        probs = model(x)
        loss = F.binary_cross_entropy(probs, y) if model.n_classes == 1 else F.nll_loss(torch.log(probs + 1e-8), y)
    """, (), id="LM001-quiet-sigmoid-or-softmax-into-probability-losses"),
    pytest.param("LM001", """
        import timm
        import torch.nn as nn
        from torchvision import models

        criterion = nn.CrossEntropyLoss()
        vgg = models.vgg16(weights="DEFAULT")
        vgg.classifier[6] = nn.Linear(4096, 5)
        loss = criterion(vgg(images), labels)
        dense = models.densenet121(weights="DEFAULT")
        dense.classifier = nn.Sequential(nn.Linear(1024, 5), nn.LogSoftmax(dim=1))
        loss = nn.NLLLoss()(dense(images), labels)
        vit = timm.create_model("vit_base_patch16_224", pretrained=True, num_classes=5)
        loss = criterion(vit(images), labels)
        probs = vit(images).softmax(dim=1)  # for the confusion matrix
    """, (), id="LM001-quiet-pretrained-heads-that-return-logits-or-log-probabilities"),
    pytest.param("LM001", """
        import torch.nn as nn

        class MLP(nn.Module):
            def __init__(self, sizes):
                super().__init__()
                layers = []
                for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                    layers.append(nn.Linear(n_in, n_out))
                    layers.append(nn.ReLU())
                layers.pop()
                self.layers = nn.ModuleList(layers)
                self.softmax = nn.Softmax(dim=1)

            def forward(self, x):
                for layer in self.layers:
                    x = layer(x)
                return x

            def predict_proba(self, x):
                return self.softmax(self(x))

        model = MLP([64, 32, 10])
        loss = nn.CrossEntropyLoss()(model(x), y)
    """, (), id="LM001-quiet-modulelist-forward-loop-ending-in-linear"),
    pytest.param("LM090", """
        from __future__ import print_function
        import sys

        def load(path):
            print("loading", path, file=sys.stderr)
            return open(path).read()
    """, (), id="LM090-quiet-python3-print"),
    pytest.param("LM091", """
        import os
        import sys

        def load(path):
            try:
                os.chmod(path, 0o644)
                return open(path).read()
            except IOError as e:
                print("cannot load", path, repr(e), file=sys.stderr)
                raise ValueError("unreadable: " + path) from e
    """, (), id="LM091-quiet-python3-spellings"),
    pytest.param("LM092", "weights = [" + ", ".join(["0.5"] * 5000) + "]\n", (), id="LM092-quiet-long-but-flat"),
    pytest.param("LM093", "import keras\nmodel = keras.Sequential(\nprint('unclosed')\ndef f(:\n    pass\n", (),
                 id="LM093-quiet-a-short-file-mostly-broken-is-skipped"),
]


@pytest.mark.parametrize(("rule", "code"), FIRES)
def test_fires(rule, code):
    code = textwrap.dedent(code)
    findings = audit(code)
    hits = [f for f in findings if f.rule == rule]
    assert hits, [(f.rule, f.line, f.message) for f in findings]
    assert marked_line(code) in {f.line for f in hits}, [(f.rule, f.line) for f in hits]
    for finding in hits:
        assert finding.evidence and all(isinstance(e, str) and e for e in finding.evidence)
        assert finding.severity == RULES[rule].severity
        assert finding.message.startswith(RULES[rule].title)
        assert finding.path == "train.py" and finding.col >= 1


@pytest.mark.parametrize(("rule", "code", "allowed"), QUIET)
def test_look_alike_is_quiet(rule, code, allowed):
    findings = audit(code)
    assert rule not in {f.rule for f in findings}
    loud = [(f.rule, f.line, f.message) for f in findings if f.severity != "info" and f.rule not in allowed]
    assert loud == []
    assert set(allowed) <= {f.rule for f in findings}


def test_every_rule_has_a_firing_case_and_a_look_alike():
    def rules_of(params):
        return {p.values[0] for p in params}

    static = set(RULES) - TRAINING_RULES  # those fire on numbers measured in training: tests/checks
    assert rules_of(FIRES) == static
    assert rules_of(QUIET) == static


def test_skipped_line_keeps_the_rest_of_the_file_audited():
    """One line Python rejects (a tab in space indentation) costs that line only: the mismatch below it is
    found at its own line number."""
    code = next(p.values[1] for p in FIRES if p.values[0] == "LM093")
    bad = code.replace("'categorical_crossentropy'", "'binary_crossentropy'")
    findings = {(f.rule, f.line) for f in audit(bad)}
    assert ("LM093", 9) in findings and ("LM010", 10) in findings
    assert not any(f.rule == "LM090" for f in audit(bad))


def test_redundant_log_softmax_is_info_only():
    code = next(p.values[1] for p in FIRES if p.values[0] == "LM050")
    assert {(f.rule, f.severity) for f in audit(code)} == {("LM050", "info")}


def test_variable_loss_resolved_through_branches():
    """A loss bound in both branches of an ``if`` to the same string is known; different strings are not."""
    code = """
        from tensorflow import keras
        loss = "binary_crossentropy"
        if use_focal:
            loss = "binary_crossentropy"
        model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss=loss)
    """
    assert [f.rule for f in audit(code)] == ["LM010"]
    first = 'loss = "binary_crossentropy"\n        if'
    assert audit(code.replace(first, first.replace("binary", "categorical"))) == []


def test_non_constant_from_logits_is_unknown():
    code = """
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=args.logits))
    """
    assert audit(code) == []


def test_findings_sorted_and_deduplicated():
    code = textwrap.dedent("""
        import torch
        import torch.nn.functional as F
        p = F.softmax(logits, dim=-1)
        q = torch.sigmoid(scores)
        a = torch.log(p)
        b = torch.log(q)
        for _ in range(3):
            c = torch.log(p)
    """)
    findings = audit(code)
    assert [(f.rule, f.line) for f in findings] == [("LM040", 6), ("LM041", 7), ("LM040", 9)]


KERAS3_ACCURACY = '''
import numpy as np
import keras
from keras import layers, ops
from keras.utils import to_categorical

(x_train, y_train), _ = keras.datasets.mnist.load_data()
y_train = to_categorical(y_train, 10)
model = keras.Sequential([layers.Input((784,)), layers.Dense(128, activation="relu"),
                          layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(ops.reshape(x_train, (-1, 784)), y_train, epochs=2)
'''


def test_keras3_import_means_accuracy_is_chosen_by_shape():
    """Keras 3 resolves 'accuracy' by the output shape, so LM020 (Keras <= 2.3) must not fire; the loss still does."""
    from lossmatch.audit import audit_source

    rules = {f.rule for f in audit_source(KERAS3_ACCURACY)}
    assert "LM020" not in rules and rules  # the softmax + binary_crossentropy mismatch itself is still reported
    legacy = {f.rule for f in audit_source(KERAS3_ACCURACY.replace("from keras import layers, ops", "from keras import layers")
                                           .replace("ops.reshape(x_train, (-1, 784))", "x_train.reshape(-1, 784)"))}
    assert "LM020" in legacy


def test_loss_picked_from_a_dict_by_a_setting_is_judged_per_option():
    """``LOSSES[args.loss]``: each loss the table holds may run; what the activation does to each is a warning
    that names the choice, and a table of losses that all suit the output says nothing."""
    code = textwrap.dedent("""
        import torch.nn as nn
        import torch.nn.functional as F

        LOSSES = {"ce": nn.CrossEntropyLoss(), "nll": nn.NLLLoss()}

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 4)

            def forward(self, x):
                return F.log_softmax(self.fc(x), dim=1)

        criterion = LOSSES[args.loss]
        loss = criterion(Net()(x), y)
    """)
    quiet = audit(code)  # log_softmax suits NLLLoss; into CrossEntropyLoss it is only redundant (LM050, info)
    assert {(f.rule, f.severity) for f in quiet} == {("LM050", "info")}
    loud = audit(code.replace("F.log_softmax", "F.softmax"))
    assert {(f.rule, f.severity, f.line) for f in loud} == {("LM001", "warning", 16), ("LM004", "warning", 16)}
    assert all(any("one of 2 the code chooses between" in e for e in f.evidence) for f in loud)


@pytest.mark.parametrize("choose", [
    """
    if args.loss == "mse":
        criterion = nn.MSELoss()
    elif args.loss == "l1":
        criterion = nn.L1Loss()
    else:
        criterion = nn.BCEWithLogitsLoss()
    """,
    """
    criterion = {"mse": nn.MSELoss(), "l1": nn.L1Loss(), "bce": nn.BCEWithLogitsLoss()}[args.loss]
    """,
], ids=["if-elif", "table"])
def test_a_choice_between_a_cross_entropy_and_a_regression_loss_judges_the_cross_entropy(choose):
    """``MSELoss`` or ``L1Loss`` on a sigmoid output is nothing to say, but the branch that picks
    ``BCEWithLogitsLoss`` applies the sigmoid twice: a warning naming all three options. On logits, quiet."""
    code = textwrap.dedent("""
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 1)

            def forward(self, x):
                return torch.sigmoid(self.fc(x))

        model = Net()
    """) + textwrap.dedent(choose) + textwrap.dedent("""
        for x, y in loader:
            loss = criterion(model(x), y)  # <-
    """)
    loud = audit(code)
    assert [(f.rule, f.severity, f.line) for f in loud] == [("LM002", "warning", marked_line(code))]
    chosen = next(e for e in loud[0].evidence if "the code chooses between" in e)
    assert "one of 3" in chosen and "nn.MSELoss" in chosen and "nn.L1Loss" in chosen
    assert audit(code.replace("torch.sigmoid(self.fc(x))", "self.fc(x)")) == []


def test_an_activation_applied_in_one_branch_is_a_warning_naming_the_condition():
    """A softmax under a configuration `if` (OpenRLHF's process reward loss) is reported, as a warning: the branch
    that runs is not known. One under a training/inference switch is the usual pattern (a QUIET case)."""
    code = textwrap.dedent("""
        import torch.nn as nn

        class ProcessRewardLoss(nn.Module):
            def __init__(self, reward_token_ids=None):
                super().__init__()
                self.loss = nn.CrossEntropyLoss(ignore_index=-100)
                self.reward_token_ids = reward_token_ids

            def forward(self, logits, labels):
                if self.reward_token_ids is not None:
                    logits = logits[..., self.reward_token_ids]
                    logits = logits.softmax(dim=-1)
                return self.loss(logits, labels)
    """)
    hits = [f for f in audit(code) if f.rule == "LM001"]
    assert [(f.line, f.severity) for f in hits] == [(14, "warning")]
    assert "only when `self.reward_token_ids is not None`" in hits[0].evidence[-1]


def test_log_of_one_minus_a_sigmoid_names_the_sigmoid_and_the_identity():
    """``log(1 - p)`` with ``p = sigmoid(z)``: the evidence points at the sigmoid, not at ``1 - p``, and the hint
    gives the identity to use, ``logsigmoid(-z)``."""
    code = textwrap.dedent("""
        import torch

        def bce(z, t):
            p = torch.sigmoid(z)
            return -(t * torch.nn.functional.logsigmoid(z) + (1 - t) * torch.log(1 - p)).mean()  # <-
    """)
    found = audit(code)
    assert [(f.rule, f.line) for f in found] == [("LM041", marked_line(code))]
    assert "logsigmoid(-x)" in found[0].message
    assert any("the sigmoid from line 5: torch.sigmoid(z)" in e for e in found[0].evidence)


def test_a_sigmoid_into_a_softmax_loss_is_the_wrong_pairing_not_a_sigmoid_applied_twice():
    """``nn.CrossEntropyLoss`` on sigmoid outputs applies a softmax over them: LM011 (sigmoid output trained with
    categorical cross-entropy), not LM002, whose title says the sigmoid is applied twice. Under a configuration
    ``if`` it is a warning naming the condition; the same output into ``BCEWithLogitsLoss`` stays LM002."""
    code = textwrap.dedent("""
        import torch
        from torch import nn

        class Tagger(nn.Module):
            def __init__(self, squash=False):
                super().__init__()
                self.fc = nn.Linear(32, 6)
                self.squash = squash

            def forward(self, x):
                x = self.fc(x)
                if self.squash:
                    x = torch.sigmoid(x)
                return x

        loss = nn.CrossEntropyLoss()(Tagger()(x), y)  # <-
    """)
    found = audit(code)
    assert [(f.rule, f.severity, f.line) for f in found] == [("LM011", "warning", marked_line(code))]
    assert "applies softmax on top of the sigmoid outputs" in found[0].message
    assert any("only when `self.squash`" in e for e in found[0].evidence)
    always = code.replace("        if self.squash:\n            x = torch.sigmoid(x)\n", "        x = torch.sigmoid(x)\n")
    assert [(f.rule, f.severity) for f in audit(always)] == [("LM011", "error")]
    bce = always.replace("nn.CrossEntropyLoss()", "nn.BCEWithLogitsLoss()")
    assert [(f.rule, f.severity) for f in audit(bce)] == [("LM002", "error")]


HEAD_BY_NAME = """
    import copy
    import torch
    from torch import nn
    import torch.nn.functional as F

    def head(x, activation):
        match activation:
            case "softmax":
                return F.softmax(x, dim=1)
            case "sigmoid" | "logistic":
                return torch.sigmoid(x)
            case _:
                return x

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(10, 4)

        def forward(self, x):
            return head(self.fc(x), "softmax")

    class Classifier:
        def __init__(self):
            self._model = Net()

        def fit(self, loader):
            trained = copy.deepcopy(self)
            loss_fn = nn.CrossEntropyLoss()
            for x, y in loader:
                loss = loss_fn(trained._model(x), y)  # <-
                loss.backward()
            return trained
"""


@pytest.mark.parametrize(("given", "expected"), [
    ('"softmax"', ["LM001"]), ('"logistic"', ["LM011"]), ('"linear"', []),
])
def test_an_activation_chosen_by_a_string_runs_the_case_the_call_picks(given, expected):
    """``match activation: case "softmax": ...`` (and ``if activation == "softmax":``) in a helper: the call's
    string picks the one case that runs; the model reached through ``copy.deepcopy(self)`` is the model."""
    code = textwrap.dedent(HEAD_BY_NAME).replace('"softmax")', f"{given})")
    assert [(f.rule, f.line) for f in audit(code)] == [(rule, marked_line(code)) for rule in expected]
    match = code[code.index("    match activation:"):code.index("class Net")].rstrip() + "\n"
    chain = code.replace(match, "\n".join([
        '    if activation == "softmax":',
        "        return F.softmax(x, dim=1)",
        '    elif activation != "sigmoid" and activation != "logistic":',
        "        return x",
        "    return torch.sigmoid(x)", ""]))
    assert chain != code
    assert [f.rule for f in audit(chain)] == expected


def test_an_activation_chosen_by_a_string_default_is_not_decided_without_a_call():
    """A default read with no call (``forward(self, x, mode="softmax")`` run as ``model(x)`` is read on its own)
    decides no case: another caller may pass another string. The cases are branches, as an ``if`` is."""
    code = textwrap.dedent(HEAD_BY_NAME).replace("def forward(self, x):", 'def forward(self, x, mode="softmax"):') \
        .replace('head(self.fc(x), "softmax")', "head(self.fc(x), mode)")
    assert audit(code) == []


def test_a_number_a_call_gives_decides_the_branch_and_the_conditional_expression():
    """``CrossEntropyLoss() if n_classes > 2 else BCEWithLogitsLoss()`` in a helper called with 10: the one loss
    that runs, judged as such (an error, not a choice's warning). Read with no call (its default), the choice
    stays a choice. The same for a Keras head's ``activation="softmax" if n > 1 else "sigmoid"``."""
    code = textwrap.dedent("""
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(16, 10)

            def forward(self, x):
                return F.softmax(self.fc(x), dim=1)

        def make_criterion(n_classes=2):
            return nn.CrossEntropyLoss() if n_classes > 2 else nn.BCEWithLogitsLoss()

        criterion = make_criterion(10)
        loss = criterion(Net()(x), y)  # <-
    """)
    assert [(f.rule, f.severity, f.line) for f in audit(code)] == [("LM001", "error", marked_line(code))]
    unknown = code.replace("make_criterion(10)", "make_criterion(args.classes)")
    assert {(f.rule, f.severity) for f in audit(unknown)} == {("LM001", "warning")}
    keras = textwrap.dedent("""
        from tensorflow import keras

        N_CLASSES = 1
        model = keras.Sequential([
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(N_CLASSES, activation="softmax" if N_CLASSES > 1 else "sigmoid"),
        ])
        model.compile(optimizer="adam", loss="categorical_crossentropy")  # <-
    """)
    assert {f.rule for f in audit(keras)} == {"LM013"}
    assert audit(keras.replace('loss="categorical_crossentropy"', 'loss="binary_crossentropy"')) == []


LAYER_BY_NAME = """
    import torch
    from torch import nn

    class Block(nn.Module):
        def __init__(self, n_in, n_out, activation_function):
            super().__init__()
            self._layer = nn.Linear(n_in, n_out)
            match activation_function:
                case "sigmoid":
                    self._fn = nn.Sigmoid()
                case "relu":
                    self._fn = nn.ReLU()
                case "softmax":
                    self._fn = nn.Softmax(dim=1)
                case _:
                    raise ValueError(activation_function)

        def forward(self, x):
            return self._fn(self._layer(x))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = Block(20, 16, "relu")
            self.out = Block(16, 4, "softmax")

        def forward(self, x):
            return self.out(self.hidden(x))

    loss = nn.CrossEntropyLoss()(Net()(x), y)  # <-
"""


def test_a_layer_class_is_read_with_the_constants_each_call_gives():
    """``Block(16, 4, "softmax")`` and ``Block(20, 16, "relu")`` are two different layers: the class is read
    again with each call's constants, its ``match`` (or ``if``) decided; which block ends the model decides."""
    code = textwrap.dedent(LAYER_BY_NAME)
    assert [(f.rule, f.line) for f in audit(code)] == [("LM001", marked_line(code))]
    swapped = code.replace("return self.out(self.hidden(x))", "return self.hidden(self.out(x))")
    assert audit(swapped) == []


def test_an_attribute_set_in_one_branch_is_the_activation_under_that_condition():
    """``if not self.wass: self.model = nn.Sequential(self.model, nn.Sigmoid())`` (ClusterGAN's discriminator):
    the attribute after the ``if`` is the sigmoid model under that condition, not the last branch read nor one
    of two candidates. With nn.BCELoss, right; with BCEWithLogitsLoss, a warning naming the condition."""
    code = textwrap.dedent("""
        import torch
        from torch import nn

        class Discriminator(nn.Module):
            def __init__(self, wass_metric=False):
                super().__init__()
                self.wass = wass_metric
                self.model = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
                if not self.wass:
                    self.model = nn.Sequential(self.model, nn.Sigmoid())

            def forward(self, img):
                return self.model(img)

        netD = Discriminator(wass_metric=args.wass)
        criterion = nn.BCELoss()
        if args.wass:
            d_loss = -netD(real).mean() + netD(fake).mean()
        else:
            d_loss = criterion(netD(real), ones)  # <-
    """)
    assert audit(code) == []
    loud = audit(code.replace("nn.BCELoss()", "nn.BCEWithLogitsLoss()"))
    assert [(f.rule, f.severity, f.line) for f in loud] == [("LM002", "warning", marked_line(code))]
    assert any("only when `not self.wass`" in e for e in loud[0].evidence)


def test_keras0_dense_takes_its_size_second():
    """Keras 0.x's ``Dense(input_dim, output_dim)``: the second argument is the layer's size. ``Dense(800, 10,
    activation='softmax')`` is a 10-way softmax (LM010 with binary_crossentropy on one-hot labels), and
    ``Dense(800, yt.shape[1], activation='sigmoid')`` has a size the file does not give, not 800 units."""
    code = textwrap.dedent("""
        from keras.models import Sequential
        from keras.layers.core import Dense
        from keras.utils import np_utils

        y_train = np_utils.to_categorical(labels, 10)
        model = Sequential()
        model.add(Dense(784, 800, activation="relu"))
        model.add(Dense(800, 10, activation="softmax"))
        model.compile(loss="binary_crossentropy", optimizer="adam")  # <-
        model.fit(x_train, y_train, nb_epoch=10)
    """)
    found = audit(code)
    assert ("LM010", marked_line(code)) in {(f.rule, f.line) for f in found}
    assert any("10-way softmax" in f.message for f in found)
    multi = code.replace('Dense(800, 10, activation="softmax")', 'Dense(800, yt.shape[1], activation="sigmoid")') \
        .replace("y_train = np_utils.to_categorical(labels, 10)", "y_classes = LabelEncoder().fit_transform(tags)")
    assert multi != code and [f.rule for f in audit(multi)] == []


def test_nested_branches_keep_every_model_they_choose():
    """``if family == "a": (A1 or A2) elif family == "b": (B1 or B2)``: the choice is all four models; two
    choices of different models are not one (B1's softmax into nll_loss is said, naming 1 of 4)."""
    code = textwrap.dedent("""
        import torch.nn.functional as F
        from torch import nn

        class A1(nn.Module):
            def forward(self, x):
                return F.log_softmax(x, dim=1)

        class A2(A1):
            pass

        class B1(nn.Module):
            def forward(self, x):
                return F.softmax(x, dim=1)

        class B2(A1):
            pass

        def select_model(args):
            if args.family == "a":
                if args.depth == 1:
                    model = A1()
                else:
                    model = A2()
            elif args.family == "b":
                if args.depth == 1:
                    model = B1()
                else:
                    model = B2()
            else:
                raise ValueError(args.family)
            return model

        model = select_model(args)
        loss = F.nll_loss(model(x), y)  # <-
    """)
    found = audit(code)
    assert [(f.rule, f.severity, f.line) for f in found] == [("LM004", "warning", marked_line(code))]
    assert "1 of 4 candidate models" in found[0].message


def test_a_loss_built_by_name_with_a_none_branch_and_a_loss_class_of_the_users():
    """DaisyRec's layout in one file: ``_build_criterion(loss_type)`` picks ``BCEWithLogitsLoss`` for ``"CL"``
    (``loss_type.upper() == "CL"``, the subclass setting ``loss_type = "CL"``), a loss class of the user's for
    ``"BPR"``; ``fit`` sets ``self.criterion = None`` when no loss type is given. The sigmoid model's loss is
    BCEWithLogitsLoss: LM002 (an error, the string deciding the choice)."""
    code = textwrap.dedent("""
        import torch
        import torch.nn as nn

        class BPRLoss(nn.Module):
            def forward(self, pos_score, neg_score):
                return -torch.log(1e-10 + torch.sigmoid(pos_score - neg_score)).sum()

        class Base(nn.Module):
            def _build_criterion(self, loss_type):
                if loss_type.upper() == "CL":
                    criterion = nn.BCEWithLogitsLoss(reduction="sum")
                elif loss_type.upper() == "BPR":
                    criterion = BPRLoss()
                else:
                    raise NotImplementedError(loss_type)
                return criterion

            def fit(self, loader):
                if self.loss_type is not None:
                    self.criterion = self._build_criterion(self.loss_type)
                else:
                    self.criterion = None
                for batch in loader:
                    loss = self.calc_loss(batch)
                    loss.backward()

        class Item2Vec(Base):
            def __init__(self, n_items, factors):
                super().__init__()
                self.embedding = nn.Embedding(n_items, factors)
                self.out_act = nn.Sigmoid()
                self.loss_type = "CL"

            def forward(self, i, j):
                return self.out_act(torch.sum(self.embedding(i) * self.embedding(j), dim=1)).view(-1)

            def calc_loss(self, batch):
                prediction = self.forward(batch[0], batch[1])
                return self.criterion(prediction, batch[2].float())  # <-
    """)
    assert [(f.rule, f.severity, f.line) for f in audit(code)] == [("LM002", "error", marked_line(code))]
    bpr = code.replace('self.loss_type = "CL"', 'self.loss_type = "BPR"')
    assert audit(bpr) == []
    unknown = audit(code.replace('self.loss_type = "CL"', "self.loss_type = args.loss"))
    assert [(f.rule, f.severity) for f in unknown] == [("LM002", "warning")]
    assert any("BPRLoss() (line 5: class BPRLoss)" in e for e in unknown[0].evidence)
