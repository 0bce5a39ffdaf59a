HEADS = {}


def register(cls):
    HEADS[cls.__name__] = cls
    return cls


def build_head(cfg):
    spec = dict(cfg)
    return HEADS[spec.pop("type")](**spec)
