"""Model 4: two layers, trained with binary cross-entropy."""
from common import *  # noqa: F403

model_4 = Sequential([
    Dense(4, activation=relu),
    Dense(1),
])
model_4.compile(loss=binary_crossentropy, optimizer=Adam(learning_rate=0.01), metrics=["accuracy"])
model_4.fit(X_train, y_train, epochs=100)
plot_decision_boundary(model_4, X_test, y_test)
