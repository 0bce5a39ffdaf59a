import matplotlib.pyplot as plt


def plot_history(history, keys=("loss", "val_loss")):
    for key in keys:
        plt.plot(history.history[key], label=key)
    plt.xlabel("epoch")
    plt.legend()
    plt.show()
