"""Label file readers: CSV/TSV and Parquet (pyarrow, in batches), NPY/NPZ, ARFF (liac-arff), JSONL, plain text.

``load_array`` returns one numeric (or string) array; ``read_labels`` adds the label rules on top: identifier
columns (``id``, ``image_name``, a first column of distinct values) are left out, a table with one column left is
that column, one whose columns are all 0/1 is a multi-hot matrix, otherwise ``column`` picks. Empty lines and
cells of a string column stay empty strings (rows without labels, or missing labels: ``infer`` decides); an
empty numeric cell is an error naming its rows. JSONL lists, and strings split on a ``label_sep`` given here,
come back as a list of lists; without ``label_sep`` strings stay strings and ``infer`` finds the separator.
Nothing here unpickles.
"""

from __future__ import annotations

import json
import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lossmatch._messages import expected
from lossmatch.errors import DataError
from lossmatch.labels._sets import split_values

__all__ = ["LABEL_FORMATS", "load_array", "read_arff", "read_labels", "read_labels_named", "read_labels_noted"]

LABEL_FORMATS = (".csv", ".tsv", ".parquet", ".pq", ".npy", ".npz", ".arff", ".jsonl", ".txt")
_BLOCK_SIZE = 1 << 20  # 1 MiB blocks: measured fastest for the streaming reader (bench/advise.py)


def _check_file(path: str | os.PathLike[str], what: str = "labels") -> Path:
    file = Path(path)
    if not file.exists():
        raise DataError(expected(what, "be an existing file", f"no such path '{file}'"))
    if file.is_dir():
        raise DataError(expected(what, "be a file", f"a directory '{file}'"))
    if file.stat().st_size == 0:
        raise DataError(expected(what, "be a non-empty file", f"an empty file '{file}'"))
    return file


def _suffix(file: Path) -> str:
    suffix = file.suffix.lower()
    return ".txt" if suffix not in LABEL_FORMATS else suffix


# ----------------------------------------------------------------------------------------- tables
def _null_rows(column: Any, first_row: int) -> str:
    missing = np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))
    shown = ", ".join(str(first_row + int(i)) for i in missing[:10])
    return f"row{'s' if missing.size > 1 else ''} {shown}{f', ... ({missing.size - 10} more)' if missing.size > 10 else ''}"


def _column_to_numpy(column: Any, name: str, file: Path, first_row: int = 1) -> np.ndarray:
    """One column as numpy; an empty string cell stays ``""`` (an empty label set, or an error for single
    labels: :func:`lossmatch.labels.infer` decides); an empty numeric cell is an error naming its rows
    (``first_row`` is the number of the column's first row, counted from 1 below the header)."""
    import pyarrow as pa

    kind = column.type
    text = pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind)
    if column.null_count and not text:
        raise DataError(expected(f"column '{name}'", "have a label in every row",
                                 f"{column.null_count} empty or NaN value(s) in '{file.name}' ({_null_rows(column, first_row)})"))
    if pa.types.is_boolean(kind):
        return column.to_numpy(zero_copy_only=False).astype(np.int8)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        values = column.to_numpy(zero_copy_only=False)
        if values.dtype.kind == "f" and np.isnan(values).any():
            raise DataError(expected(f"column '{name}'", "have a label in every row", f"NaN values in '{file.name}'"))
        if values.dtype == np.int64 and values.size and values.min() >= 0 and values.max() <= 1:
            return values.astype(np.int8)  # multi-hot columns: an eighth of the memory
        return values
    if text:
        if column.null_count:
            column = column.cast(pa.string()).fill_null("") if pa.types.is_dictionary(kind) else column.fill_null("")
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=str)
    raise DataError(expected(f"column '{name}'", "hold numbers or strings", f"type {kind} in '{file.name}'"))


def _batches(file: Path, suffix: str, columns: Sequence[str] | None, narrow: bool = False, what: str = "labels"):
    """Yield ``(names, record batch)`` without materialising the whole table as Python objects.

    With ``narrow``, a CSV whose first block holds only 0/1 integer columns is re-opened with every column parsed
    as int8 (an eighth of the memory, about twice as fast); a later value that does not fit raises
    :class:`_NotNarrow` so that the caller can read the file again with inferred types.
    """
    import pyarrow as pa

    try:
        if suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(file)
            names = parquet.schema_arrow.names
            _check_columns(columns, names, file)
            for index in range(parquet.num_row_groups):
                yield names, parquet.read_row_group(index, columns=list(columns) if columns else None)
            return
        import pyarrow.csv as pcsv

        delimiter = "\t" if suffix == ".tsv" else ","
        read_options = pcsv.ReadOptions(block_size=_BLOCK_SIZE)
        parse_options = pcsv.ParseOptions(delimiter=delimiter)
        include = list(columns) if columns else None
        reader = pcsv.open_csv(file, read_options=read_options, parse_options=parse_options,
                               convert_options=pcsv.ConvertOptions(include_columns=include))
        names = reader.schema.names
        if len(pcsv.open_csv(file, read_options=read_options, parse_options=parse_options).schema.names) == 1:
            # one column: an empty line is a row with an empty value (a row without labels), never skipped
            parse_options = pcsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False)
            reader = pcsv.open_csv(file, read_options=read_options, parse_options=parse_options,
                                   convert_options=pcsv.ConvertOptions(include_columns=include))
            names = reader.schema.names
        if narrow and names and all(pa.types.is_integer(t) for t in reader.schema.types):
            first = reader.read_next_batch()
            if all(first.column(i).null_count == 0 and _is_01(first.column(i).to_numpy()) for i in range(first.num_columns)):
                reader = pcsv.open_csv(file, read_options=read_options, parse_options=parse_options,
                                       convert_options=pcsv.ConvertOptions(
                                           include_columns=include, column_types=dict.fromkeys(names, pa.int8())))
                try:
                    for batch in reader:
                        yield names, batch
                except pa.ArrowInvalid:
                    raise _NotNarrow from None
                return
            yield names, first
        for batch in reader:
            yield names, batch
    except pa.ArrowKeyError:
        header = pcsv.open_csv(file, parse_options=pcsv.ParseOptions(delimiter=delimiter)).schema.names
        _check_columns(columns, header, file)
        raise
    except StopIteration:
        return
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, OSError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(expected(what, f"be a readable {suffix.lstrip('.').upper()} table",
                                 f"'{file.name}': {first_line}")) from None


class _NotNarrow(Exception):
    """A later CSV block holds a value that int8 cannot: read the file again with inferred types."""


def _check_columns(columns: Sequence[str] | None, names: Sequence[str], file: Path) -> None:
    missing = [c for c in columns or () if c not in names]
    if missing:
        raise DataError(expected("column", f"name a column of '{file.name}' ({', '.join(names[:10])})",
                                 ", ".join(repr(m) for m in missing)))


def _read_table(file: Path, suffix: str, columns: Sequence[str] | None,
                what: str = "labels") -> tuple[list[str], list[list[np.ndarray]]]:
    """Column names and, per batch, one numpy array per column; errors name the input ``what``."""
    try:
        return _read_chunks(file, suffix, columns, True, what)
    except _NotNarrow:
        return _read_chunks(file, suffix, columns, False, what)


def _read_chunks(file: Path, suffix: str, columns: Sequence[str] | None, narrow: bool,
                 what: str) -> tuple[list[str], list[list[np.ndarray]]]:
    chunks: list[list[np.ndarray]] = []
    names: list[str] = []
    pending, first_row = None, 1  # the last batch is converted after the trailing blank lines are cut from it
    for batch_names, batch in _batches(file, suffix, columns, narrow, what):
        names = list(columns) if columns else list(batch_names)
        if pending is not None:
            chunks.append([_column_to_numpy(pending.column(i), names[i], file, first_row) for i in range(pending.num_columns)])
            first_row += pending.num_rows
        pending = batch if batch.num_rows else None
    if pending is not None:
        if suffix in (".csv", ".tsv") and pending.num_columns == 1:
            pending = pending.slice(0, pending.num_rows - _blank_tail(file, pending.column(0)))
        if pending.num_rows:
            chunks.append([_column_to_numpy(pending.column(i), names[i], file, first_row) for i in range(pending.num_columns)])
    if not chunks:
        raise DataError(expected(what, "hold at least one row", f"a header only in '{file.name}'"))
    return names, chunks


def _blank_tail(file: Path, column: Any) -> int:
    """How many of the column's last rows are the file's trailing blank lines (an editor's, not rows)."""
    size = file.stat().st_size
    with file.open("rb") as handle:
        handle.seek(max(0, size - 4096))
        tail = handle.read()
    blank_lines = max(tail[len(tail.rstrip(b" \t\r\n")):].count(b"\n") - 1, 0)
    values = column.slice(max(0, len(column) - blank_lines)).to_pylist()
    trailing = 0
    for value in reversed(values):
        if value is not None and str(value).strip():
            break
        trailing += 1
    return trailing


def _is_text(chunks: list[list[np.ndarray]]) -> list[bool]:
    return [any(chunk[i].dtype.kind == "U" for chunk in chunks) for i in range(len(chunks[0]))]


def _stack(chunks: list[list[np.ndarray]]) -> np.ndarray:
    """One 1-D array (one column) or a 2-D matrix, filled column by column (Fortran order: contiguous writes)."""
    n_rows = sum(len(chunk[0]) for chunk in chunks)
    n_columns = len(chunks[0])
    text = any(_is_text(chunks))
    dtype = np.dtype(str) if text else np.result_type(*[a.dtype for chunk in chunks for a in chunk])
    if text:
        dtype = np.result_type(*[a.astype(str).dtype for chunk in chunks for a in chunk])
    if n_columns == 1 and len(chunks) == 1:
        return chunks[0][0].astype(dtype, copy=False)
    out = np.empty((n_rows, n_columns) if n_columns > 1 else n_rows, dtype=dtype, order="F")
    start = 0
    for chunk in chunks:
        stop = start + len(chunk[0])
        for i, values in enumerate(chunk):
            if n_columns > 1:
                out[start:stop, i] = values
            else:
                out[start:stop] = values
        start = stop
    return out


# ----------------------------------------------------------------------------------------- public
def load_array(path: str | os.PathLike[str], *, column: str | Sequence[str] | None = None,
               what: str = "labels") -> np.ndarray:
    """Read NPY/NPZ, CSV/TSV (with a header row) or Parquet into a 1-D or 2-D numeric (or string) array.

    ``column`` picks one column (1-D result) or several (2-D); without it a one-column table is 1-D and a
    table of numeric columns is 2-D. NPZ files with several arrays need ``column`` to name one. Errors name the
    input ``what`` (``labels``, ``predictions``, ``features``).
    """
    file = _check_file(path, what)
    suffix = _suffix(file)
    columns = [column] if isinstance(column, str) else (list(column) if column else None)
    if suffix == ".npy":
        return _load_npy(file, what)
    if suffix == ".npz":
        return _load_npz(file, column if isinstance(column, str) else None, what)
    if suffix not in (".csv", ".tsv", ".parquet", ".pq"):
        raise DataError(expected(what, "be a .npy, .npz, .csv, .tsv or .parquet file for load_array", f"'{file.name}'"))
    names, chunks = _read_table(file, suffix, columns, what)
    if len(names) > 1 and any(_is_text(chunks)):
        raise DataError(expected("column", "pick the label column", f"{len(names)} candidate columns in '{file.name}' "
                                 f"({', '.join(names[:10])})", "Pass --column NAME."))
    return _stack(chunks)


def _load_npy(file: Path, what: str) -> np.ndarray:
    try:
        array = np.load(file, allow_pickle=False)
    except ValueError as exc:
        raise DataError(expected(what, "be a numeric NPY array (no pickles)", f"'{file.name}': {exc}")) from None
    except Exception as exc:  # numpy's parser raises many types on a corrupt file (EOFError, TokenError, MemoryError...)
        raise DataError(expected(what, "be a valid NPY file", f"'{file.name}': {_reason(exc)}")) from None
    return _check_loaded(array, file, what)


def _load_npz(file: Path, key: str | None, what: str) -> np.ndarray:
    try:
        with np.load(file, allow_pickle=False) as archive:
            keys = list(archive.files)
            if key is None and len(keys) != 1:
                raise DataError(expected("column", "name one array of the NPZ archive", f"{len(keys)} arrays in "
                                         f"'{file.name}' ({', '.join(keys[:10])})", "Pass --column NAME."))
            if key is not None and key not in keys:
                raise DataError(expected("column", f"name an array of '{file.name}' ({', '.join(keys[:10])})", repr(key)))
            array = archive[key or keys[0]]
    except DataError:
        raise
    except Exception as exc:  # a truncated or corrupt archive: BadZipFile, zlib.error, EOFError, ValueError, ...
        raise DataError(expected(what, "be a valid NPZ archive of numeric arrays (no pickles)",
                                 f"'{file.name}': {_reason(exc)}")) from None
    return _check_loaded(array, file, what)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    if isinstance(exc, MemoryError):
        return "it declares an array too large to load"
    return text if text and len(text) <= 200 else f"{type(exc).__name__}{': ' + text[:200] if text else ''}"


def _check_loaded(array: np.ndarray, file: Path, what: str) -> np.ndarray:
    if array.dtype.kind not in "biufU":
        raise DataError(expected(what, "be a numeric or string array", f"dtype {array.dtype} in '{file.name}'"))
    if array.ndim not in (1, 2) or array.shape[0] == 0:
        raise DataError(expected(what, "be a non-empty 1-D or 2-D array", f"shape {array.shape} in '{file.name}'"))
    return array


def read_labels(
    path: str | os.PathLike[str],
    *,
    column: str | Sequence[str] | None = None,
    label_sep: str | None = None,
    labels_last: int | None = None,
    xml: str | os.PathLike[str] | None = None,
) -> np.ndarray | list[list[Any]]:
    """Read the labels of any supported file: an array, or a list of label sets (JSONL lists, delimited text)."""
    return read_labels_named(path, column=column, label_sep=label_sep, labels_last=labels_last, xml=xml)[0]


def read_labels_named(
    path: str | os.PathLike[str],
    *,
    column: str | Sequence[str] | None = None,
    label_sep: str | None = None,
    labels_last: int | None = None,
    xml: str | os.PathLike[str] | None = None,
) -> tuple[np.ndarray | list[list[Any]], list[str] | None]:
    """:func:`read_labels` plus the column names of a label matrix (ARFF label attributes, table columns)."""
    labels, names, _ = read_labels_noted(path, column=column, label_sep=label_sep, labels_last=labels_last, xml=xml)
    return labels, names


def read_labels_noted(
    path: str | os.PathLike[str],
    *,
    column: str | Sequence[str] | None = None,
    label_sep: str | None = None,
    labels_last: int | None = None,
    xml: str | os.PathLike[str] | None = None,
) -> tuple[np.ndarray | list[list[Any]], list[str] | None, tuple[str, ...]]:
    """:func:`read_labels_named` plus what the reader decided about the file (columns it left out), as evidence.

    A table with several columns and no ``column``: identifier columns (named ``id``, ``*_id``, ``image_name``,
    ``filename``, ... or a first column whose values are all distinct) are left out; what remains is one label
    column, or a 0/1 matrix with one column per label.
    """
    file = _check_file(path)
    suffix = _suffix(file)
    if suffix == ".arff":
        _, labels, _, label_names = read_arff(file, xml=xml, labels_last=labels_last)
        return labels, label_names, ()
    if suffix == ".jsonl":
        return _read_jsonl(file), None, ()
    if suffix == ".txt":
        return _read_text(file, label_sep), None, ()
    if suffix in (".npy", ".npz"):
        return load_array(file, column=column), None, ()
    columns = [column] if isinstance(column, str) else (list(column) if column else None)
    names, chunks = _read_table(file, suffix, columns)
    notes: tuple[str, ...] = ()
    if len(names) > 1 and not columns:
        names, chunks, notes = _drop_identifiers(names, chunks)
    if len(names) > 1 and not columns and not all(a.dtype.kind in "iub" and _is_01(a) for chunk in chunks for a in chunk):
        raise DataError(expected("column", "pick the label column (or every column be 0/1 for a multi-hot table)",
                                 f"{len(names)} candidate columns in '{file.name}' ({', '.join(names[:10])})",
                                 "Pass --column NAME."))
    array = _stack(chunks)
    if label_sep and array.ndim == 1 and array.dtype.kind == "U":
        return split_values(array.tolist(), label_sep), None, notes
    return array, (names if array.ndim == 2 else None), notes


MIN_ROWS_FOR_IDENTIFIER = 10  # fewer rows than this can be all distinct by chance
_IDENTIFIER = re.compile(r"(?i)^(id|idx|index|key|uuid|guid|name|file|filename|file_name|path|url|image|img|"
                         r"image_name|image_id|img_id|sample|sample_id|row_id|.+_id|.+Id|.+ID)$")


def _drop_identifiers(names: list[str], chunks: list[list[np.ndarray]]) -> tuple[list[str], list[list[np.ndarray]], tuple[str, ...]]:
    """Leave out the columns that identify rows rather than label them (see :func:`read_labels_noted`)."""
    n_rows = sum(len(chunk[0]) for chunk in chunks)
    keep, notes = [], []
    for i, name in enumerate(names):
        if _IDENTIFIER.match(name.strip()):
            notes.append(f"column {name!r} is left out: its name says it identifies rows")
            continue
        if i == 0 and n_rows >= MIN_ROWS_FOR_IDENTIFIER:
            values = np.concatenate([chunk[0] for chunk in chunks])
            if not (values.dtype.kind in "iub" and _is_01(values)) and len(np.unique(values)) == n_rows:
                notes.append(f"column {name!r} is left out: its {n_rows} values are all distinct (a row identifier)")
                continue
        keep.append(i)
    if not keep or len(keep) == len(names):
        return names, chunks, ()
    return [names[i] for i in keep], [[chunk[i] for i in keep] for chunk in chunks], tuple(notes)


def _is_01(array: np.ndarray) -> bool:
    return array.size > 0 and int(array.min()) >= 0 and int(array.max()) <= 1


def _text_lines(file: Path) -> list[str]:
    raw = file.read_bytes()
    if b"\x00" in raw:
        raise DataError(expected("labels", "be a text file", f"binary data (NUL bytes) in '{file.name}'"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(expected("labels", "be UTF-8 text", f"an undecodable byte at offset {exc.start} in '{file.name}'")) from None
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise DataError(expected("labels", "hold at least one label", f"only blank lines in '{file.name}'"))
    return lines


def _read_text(file: Path, label_sep: str | None) -> np.ndarray | list[list[Any]]:
    """One label (or label set) per line; an empty line is an empty value (see :func:`_column_to_numpy`)."""
    lines = _text_lines(file)
    if label_sep:
        return split_values(lines, label_sep)
    values = [line.strip() for line in lines]
    filled = [v for v in values if v]
    try:
        numbers = np.array([float(v) for v in filled])
    except ValueError:
        return np.array(values, dtype=str)
    if len(filled) < len(values):  # rows without labels, or missing labels: infer tells them apart
        return np.array(values, dtype=str)
    if np.isnan(numbers).any():
        raise DataError(expected("labels", "have a label on every line", f"NaN in '{file.name}'"))
    return numbers.astype(np.int64) if np.all(numbers == np.round(numbers)) and np.all(np.isfinite(numbers)) else numbers


def _read_jsonl(file: Path) -> np.ndarray | list[list[Any]]:
    rows: list[Any] = []
    for number, line in enumerate(_text_lines(file), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(expected("labels", "be one JSON value per line", f"invalid JSON on line {number} of "
                                     f"'{file.name}': {exc.msg}")) from None
        if value is None or (isinstance(value, float) and math.isnan(value)) or isinstance(value, dict):
            raise DataError(expected("labels", "be a label or a list of labels on every line",
                                     f"{json.dumps(value)} on line {number} of '{file.name}'"))
        rows.append(value)
    if all(isinstance(row, list) for row in rows):
        return rows
    if any(isinstance(row, list) for row in rows):
        raise DataError(expected("labels", "be either all label lists or all single labels", f"a mix in '{file.name}'"))
    return np.array(rows)


# ----------------------------------------------------------------------------------------- ARFF
def read_arff(
    path: str | os.PathLike[str],
    *,
    xml: str | os.PathLike[str] | None = None,
    labels_last: int | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Read a dense or sparse ARFF file: ``(features float (N, F), labels int (N, L), feature_names, label_names)``.

    The label attributes are the last ``labels_last`` ones, or those named by a MULAN XML file (``xml``; when
    neither is given, ``<name>.xml`` beside the file is used, with ``-train``/``-test`` stripped from the name).
    Nominal features become the index of their value in the declaration; missing features become NaN.
    """
    import arff

    file = _check_file(path)
    try:
        text = file.read_text(encoding="utf-8")
        decoded = arff.load(text, return_type=arff.DENSE)
    except UnicodeDecodeError as exc:
        raise DataError(expected("labels", "be a UTF-8 ARFF file", f"an undecodable byte at offset {exc.start} in '{file.name}'")) from None
    except Exception as exc:  # liac-arff raises ArffException, but also ValueError/IndexError on a cut-off header
        raise DataError(expected("labels", "be a valid ARFF file", f"'{file.name}': {_reason(exc)}")) from None
    attributes = decoded["attributes"]
    names = [name for name, _ in attributes]
    label_names = _label_names(file, names, xml, labels_last)
    label_set = set(label_names)
    label_index = [names.index(name) for name in label_names]
    feature_index = [i for i, name in enumerate(names) if name not in label_set]
    data = decoded["data"]
    if not data:
        raise DataError(expected("labels", "hold at least one data row", f"no rows in '{file.name}'"))
    features = np.array([[_feature_value(row[i], attributes[i][1]) for i in feature_index] for row in data], dtype=np.float64)
    labels = np.empty((len(data), len(label_index)), dtype=np.int64)
    for j, i in enumerate(label_index):
        column = [row[i] for row in data]
        try:
            labels[:, j] = [int(float(v)) for v in column]
        except (TypeError, ValueError):
            bad = next(v for v in column if not _is_number(v))
            raise DataError(expected(f"label '{names[i]}'", "hold 0/1 values", f"{bad!r} in '{file.name}'")) from None
    return features, labels, [names[i] for i in feature_index], label_names


def _is_number(value: Any) -> bool:
    try:
        float(value)
        return value is not None
    except (TypeError, ValueError):
        return False


def _feature_value(value: Any, kind: Any) -> float:
    if value is None:
        return float("nan")
    if isinstance(kind, list):
        return float(kind.index(value))
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _label_names(file: Path, names: list[str], xml: str | os.PathLike[str] | None, labels_last: int | None) -> list[str]:
    if labels_last is not None:
        if not 1 <= labels_last < len(names):
            raise DataError(expected("labels_last", f"be between 1 and {len(names) - 1}", str(labels_last)))
        return names[-labels_last:]
    xml_file = Path(xml) if xml is not None else _sibling_xml(file)
    if xml_file is None:
        raise DataError(expected("labels", "come with label information (--labels-last N or a MULAN --xml file)",
                                 f"neither for '{file.name}'"))
    if not xml_file.is_file():
        raise DataError(expected("xml", "be an existing MULAN label file", f"no such file '{xml_file}'"))
    try:
        root = ET.parse(xml_file).getroot()
    except ET.ParseError as exc:
        raise DataError(expected("xml", "be a valid MULAN label file", f"'{xml_file.name}': {exc}")) from None
    wanted = [element.get("name") for element in root.iter() if element.tag.rsplit("}", 1)[-1] == "label"]
    missing = [name for name in wanted if name not in names]
    if not wanted or missing:
        raise DataError(expected("xml", f"name label attributes of '{file.name}'",
                                 f"{len(missing)} unknown name(s) {missing[:10]}" if missing else "no <label> elements"))
    wanted_set = set(wanted)
    return [name for name in names if name in wanted_set]  # ARFF column order (yeast.xml lists another order)


def _sibling_xml(file: Path) -> Path | None:
    stem = re.sub(r"[-_](train|test)$", "", file.stem)
    for candidate in (file.with_name(f"{file.stem}.xml"), file.with_name(f"{stem}.xml")):
        if candidate.is_file():
            return candidate
    return None
