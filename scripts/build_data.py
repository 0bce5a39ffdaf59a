"""Build the bundled MULAN datasets (src/lossmatch/data/*.npz) from ../shared/datasets, checking checksums.

    python scripts/build_data.py [SHARED_DATASETS_DIR [OUT_DIR]]

Every source file's SHA-256 must match the one recorded in ../shared/datasets/README.md (copied below), or
nothing is written for that dataset. Each dataset becomes one compressed NPZ with no pickled objects:
``x_train``/``y_train``/``x_test``/``y_test`` (``x``/``y`` where the dataset has no split: CAL500),
float32 features and uint8 labels stored column-major (it compresses better), labels in the ARFF column
order, and ``feature_names``/``label_names`` as unicode arrays (ARFF quote escapes removed: birds'
``Swainson's Thrush``).

Nominal features keep the ARFF's own meaning, one column each (so feature counts match the MULAN tables):
integer-coded categories keep their code (flags' landmass 1-6, religion 0-7; birds' location id; the
{0,1} flags), and genbase's {YES,NO} motif features become 1/0. genbase's ``protein`` ID is dropped.
These codes are categories, not quantities: a model that cares should one-hot them itself.
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

import numpy as np

from lossmatch.labels import read_arff

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "datasets"
OUT = ROOT / "src" / "lossmatch" / "data"

# file -> sha256, from ../shared/datasets/README.md
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
# labels are the last L attributes of every file (README: verified); the XML orders yeast's and enron's differently
LABELS = {"yeast": 14, "emotions": 6, "scene": 6, "birds": 19, "enron": 53, "medical": 45, "genbase": 27, "cal500": 174,
          "flags": 7}
DROP_FEATURES = {"genbase": ("protein",)}
YES_NO = ["YES", "NO"]


class ChecksumError(Exception):
    """A source file is not the one the shared README describes."""


def verify(source: Path, file: str) -> Path:
    path = source / file
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256[file]:
        raise ChecksumError(f"{file}: sha256 {digest}, expected {SHA256[file]} (../shared/datasets/README.md)")
    return path


def _declarations(path: Path) -> dict[str, list[str] | str]:
    """Attribute name -> declared nominal values (or the type name), from the ARFF header."""
    import arff

    header = path.read_text(encoding="utf-8").split("@data", 1)[0]
    return {_unescape(name): kind for name, kind in arff.loads(header + "@data\n")["attributes"]}


def _unescape(name: str) -> str:
    return name.replace("\\'", "'").replace('\\"', '"')


def _read(source: Path, name: str, file: str) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    path = verify(source, file)
    x, y, feature_names, label_names = read_arff(path, labels_last=LABELS[name])
    feature_names, label_names = [_unescape(f) for f in feature_names], [_unescape(n) for n in label_names]
    declared = _declarations(path)
    keep = [i for i, f in enumerate(feature_names) if f not in DROP_FEATURES.get(name, ())]
    x = x[:, keep]
    feature_names = [feature_names[i] for i in keep]
    for j, feature in enumerate(feature_names):
        values = declared[feature]
        if isinstance(values, list):  # read_arff gives the index of the declared value: map it to its meaning
            codes = [1.0, 0.0] if values == YES_NO else [float(v) for v in values]
            x[:, j] = np.asarray(codes)[x[:, j].astype(np.int64)]
    # column-major compresses better (similar values sit together); the loader hands out C-ordered copies
    return np.asfortranarray(x, dtype=np.float32), np.asfortranarray(y, dtype=np.uint8), feature_names, label_names


def build_one(name: str, source: Path = SOURCE, out: Path = OUT) -> Path:
    if name == "cal500":
        x, y, features, labels = _read(source, name, "cal500/cal500.arff")
        arrays = {"x": x, "y": y}
    else:
        x_train, y_train, features, labels = _read(source, name, f"{name}/{name}-train.arff")
        x_test, y_test, test_features, test_labels = _read(source, name, f"{name}/{name}-test.arff")
        if (features, labels) != (test_features, test_labels):
            raise ValueError(f"{name}: the train and test files declare different attributes")
        arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.npz"
    names = {"feature_names": np.array(features, dtype=str), "label_names": np.array(labels, dtype=str)}
    _save_npz(target, {**arrays, **names})
    return target


def _save_npz(target: Path, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez_compressed`` with fixed zip timestamps, so that a rebuild from the same files is byte-identical."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def build(source: Path = SOURCE, out: Path = OUT) -> None:
    total = 0
    for name in LABELS:
        target = build_one(name, source, out)
        total += target.stat().st_size
        print(f"{target}: {target.stat().st_size:,} bytes")
    print(f"total: {total:,} bytes")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE, Path(sys.argv[2]) if len(sys.argv) > 2 else OUT)
