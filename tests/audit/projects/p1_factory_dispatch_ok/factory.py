import torch

from models import ApproxGCN, ExactGCN
from trainers import ApproxTrainer, ExactTrainer


def select_model(args, n_features, n_classes):
    if args.model == "exact":
        model = ExactGCN(n_features, args.hidden, n_classes)
    elif args.model == "approx":
        model = ApproxGCN(n_features, args.hidden, n_classes)
    else:
        raise ValueError(args.model)
    return model


def select_trainer(args, model, features, adj, labels, idx_train):
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    if args.model == "exact":
        trainer = ExactTrainer(model, optimizer, features, adj, labels, idx_train)
    elif args.model == "approx":
        trainer = ApproxTrainer(model, optimizer, features, adj, labels, idx_train)
    else:
        raise ValueError(args.model)
    return trainer
