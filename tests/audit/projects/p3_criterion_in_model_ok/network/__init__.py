"""Networks are named on the command line (`--arch network.edgenet.EdgeNet`) and built with the criterion, which
their forward applies in training."""
import importlib


def get_model(arch, num_classes, criterion):
    module, name = arch.rsplit(".", 1)
    net_class = getattr(importlib.import_module(module), name)
    return net_class(num_classes=num_classes, criterion=criterion)


def get_net(args, criterion):
    return get_model(args.arch, args.num_classes, criterion)
