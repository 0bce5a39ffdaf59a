"""Build the bundled MULAN datasets (src/lossmatch/data/*.npz) from ../shared/datasets, checking checksums.

    python scripts/build_data.py [SHARED_DATASETS_DIR]

Each dataset becomes one compressed NPZ (no pickled objects): ``x_train``/``y_train``/``x_test``/``y_test``
(or ``x``/``y`` where the dataset has no split), float32 features, uint8 labels in the ARFF column order,
and ``feature_names``/``label_names`` as unicode arrays. Nominal features are stored as the index of their
value in the ARFF declaration (what ``lossmatch.labels.read_arff`` returns); genbase's protein ID is dropped.
The checksums are those of ../shared/datasets/README.md.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

from lossmatch.labels import read_arff

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "lossmatch" / "data"

# file -> sha256, from the shared README
SHA256 = {
    "yeast/yeast-train.arff": "e759dc991ff54694a4ff9c4314f3be0d6fd2b1994a4b563f57e416394c6aebbd",
    "yeast/yeast-test.arff": "4aaac102bff9669a765bf0b378602e5cc8c3b181048282e2f003117b496d552a",
    "emotions/emotions-train.arff": "bbe704106c79bb8fb99c1d1d2e9bde081d6a2daeb01f100862f11fd91a3c1f98",
    "emotions/emotions-test.arff": "f13d4b746b7b5c8eb484bd751d6ac463d4560dff998a93516a5c1fe35daf6c8f",
    "scene/scene-train.arff": "b53ba93bdf412de922e3960389bcee24744fa3e872ce610511fc1d750888b64d",
    "scene/scene-test.arff": "ea38d20296b3ff7e220f477a3b802a9bcb2d768881fe6ee163efbc97ea527a42",
    "birds/birds-train.arff": "8f215db6ee163149901e753977f631ba8bea0e0e8e1abc42b234414822f8ae36",
    "birds/birds-test.arff": "51ba6326d65ccdd7c755b6461280eb6d2769c7f59d8e12fd4250f91e6ca28326",
    "medical/medical-train.arff": "c764f45756ab1c553b8b4eaaf5605a5610a43bbbcf37492d0f1a12bf9c9e2244",
    "medical/medical-test.arff": "6be472e75a6c0b0916187f343a398011b1b26f8f0ddc682c575312ad3532f6c4",
    "enron/enron-train.arff": "2988cefc1cdf7a8004a20ef84615cc8fa1b5d7434c16687283b41454e2d9d194",
    "enron/enron-test.arff": "2f3aad54a8f54caaab4ab01246fe9dd385ba944a2633028f52747b57eac5474e",
    "genbase/genbase-train.arff": "37670db2c2b308a1c163d05501819526f1d65d659638ddfb76812d4ce384b5c6",
    "genbase/genbase-test.arff": "0e988520bedab39aa3f23f08f646c769bcdb6f9119ee298fd92b37127b226a36",
    "flags/flags-train.arff": "1861cdab7f8baf1aef6fb6198f304465ddfd99b7f9a435337c604119522df3c5",
    "flags/flags-test.arff": "09f6136fae47dcc2f0f491efd6401a11072cbfb0bfbb2666c63b35bb06aeeb16",
    "cal500/cal500.arff": "cfe6097ba5fd6e8584e54911ab9783dcab34e898446b7c9370c71d477eae56d3",
}
LABELS = {"yeast": 14, "emotions": 6, "scene": 6, "birds": 19, "medical": 45, "enron": 53, "genbase": 27, "flags": 7, "cal500": 174}
DROP_FEATURES = {"genbase": ("protein",)}


def _read(source: Path, name: str, file: str):
    path = source / file
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256[file]:
        raise SystemExit(f"checksum mismatch for {file}: {digest}")
    x, y, feature_names, label_names = read_arff(path, labels_last=LABELS[name])
    keep = [i for i, f in enumerate(feature_names) if f not in DROP_FEATURES.get(name, ())]
    return x[:, keep].astype(np.float32), y.astype(np.uint8), [feature_names[i] for i in keep], label_names


def build(source: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in LABELS:
        if name == "cal500":
            x, y, features, labels = _read(source, name, "cal500/cal500.arff")
            arrays = {"x": x, "y": y}
        else:
            x_train, y_train, features, labels = _read(source, name, f"{name}/{name}-train.arff")
            x_test, y_test, test_features, test_labels = _read(source, name, f"{name}/{name}-test.arff")
            assert (features, labels) == (test_features, test_labels), name
            arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
        target = OUT / f"{name}.npz"
        np.savez_compressed(target, **arrays, feature_names=np.array(features, dtype=str), label_names=np.array(labels, dtype=str))
        shapes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes ({shapes})")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "datasets")
