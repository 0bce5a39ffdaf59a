"""The compare report: one style per pairing everywhere, intervals as they read, pooled reliability, zoomed
difference plots, the summary and sweep views, and the page in headless Chromium at 1400 and 420 px."""

from __future__ import annotations

import base64
import fcntl
import json
import math
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

import lossmatch
from lossmatch import metrics, registry
from lossmatch.comparison import figures
from lossmatch.comparison.engine import RunResult
from lossmatch.comparison.report import interval

FAST = {"seeds": 2, "epochs": 2, "hidden": (8,)}


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A plain run (no grid) on a single-label and a multi-label dataset, with its report."""
    out = tmp_path_factory.mktemp("report")
    return lossmatch.compare(["breast_cancer", "emotions"], out=out, **FAST), out


def _drawn(fig) -> list[tuple[str, str, str]]:
    """``(label, colour, marker)`` of every labelled line, error bar, scatter and bar group of ``fig``."""
    return [look for ax in fig.axes for look in _drawn_on(ax)]


def _drawn_on(ax) -> list[tuple[str, str, str]]:
    from matplotlib.colors import to_hex

    out = []
    for line in ax.get_lines():
        if line.get_label() in registry.PAIRINGS:
            out.append((line.get_label(), to_hex(line.get_color()), line.get_marker()))
    for container in ax.containers:
        label = container.get_label()
        if label not in registry.PAIRINGS:
            continue
        if hasattr(container, "has_xerr"):  # an error bar: its data line carries colour and marker
            data = container.lines[0]
            out.append((label, to_hex(data.get_color()), data.get_marker()))
        else:
            out.append((label, to_hex(container.patches[0].get_facecolor()), ""))
    for collection in ax.collections:
        if collection.get_label() in registry.PAIRINGS and len(collection.get_facecolor()):
            out.append((collection.get_label(), to_hex(collection.get_facecolor()[0]), ""))
    return out


def test_every_pairing_has_one_colour_and_marker_in_every_figure_and_the_tables(compared):
    import matplotlib.pyplot as plt

    result, out = compared
    looks = {(s.colour, s.marker) for s in figures.STYLES.values()}
    assert set(figures.STYLES) == set(registry.PAIRINGS) and len(looks) == len(registry.PAIRINGS)
    emotions = [r for r in result.runs if r.dataset == "emotions"]
    # a subset in another order keeps each pairing's look: it comes from the pairing, not its position
    subset = [r for r in emotions if r.pairing in ("sigmoid+cce", "softmax+bce")][::-1]
    cells = {(s["pairing"], s["metric"]): s for s in result.summary if s["dataset"] == "emotions"}
    verdicts = [v for v in result.verdicts if v["dataset"] == "emotions"]
    pairings = list(dict.fromkeys(r.pairing for r in emotions))
    drawn = [figures.loss_curves(emotions), figures.loss_curves(subset), figures.metric_curves(subset, "f1_micro"),
             figures.reliability(emotions), figures.per_label_f1(emotions, list(range(6))),
             figures.differences(cells, verdicts, pairings, "f1_micro"), figures.sweep(result.sweep, ["breast_cancer", "emotions"])]
    seen = set()
    for fig in drawn:
        for pairing, colour, marker in _drawn(fig):
            assert colour == figures.STYLES[pairing].colour, (pairing, colour)
            assert marker in ("", figures.STYLES[pairing].marker), (pairing, marker)
            seen.add(pairing)
        plt.close(fig)
    assert seen == set(pairings)
    html = (out / "report.html").read_text()
    for pairing in pairings:
        style = figures.STYLES[pairing]
        assert f'<span class="key" style="color: {style.colour}" aria-hidden="true">{style.glyph}</span>{pairing}' in html


def test_figures_have_axis_labels_and_legends(compared):
    import matplotlib.pyplot as plt

    result, _ = compared
    runs = [r for r in result.runs if r.dataset == "emotions"]
    for fig in (figures.loss_curves(runs), figures.metric_curves(runs, "f1_micro"), figures.reliability(runs),
                figures.per_label_f1(runs, list(range(6)))):
        visible = [ax for ax in fig.axes if ax.get_visible()]
        legend = any(ax.get_legend() for ax in visible) or bool(fig.legends)
        for ax in visible:
            below = ax.get_shared_x_axes().get_siblings(ax)  # a shared x axis is labelled once, on the lowest panel
            assert ax.get_ylabel() and any(other.get_xlabel() for other in below)
            labelled = {pairing for pairing, _, _ in _drawn_on(ax)}
            # several pairings on one axes need a legend; a small multiple may name its one pairing in its title
            assert legend or not labelled or (len(labelled) == 1 and ax.get_title() in labelled)
        plt.close(fig)


def test_loss_small_multiples_give_each_pairing_its_own_readable_scale():
    import matplotlib.pyplot as plt

    def run(pairing: str, loss: list[float]) -> RunResult:
        return RunResult("d", pairing, 0, {}, {"loss": loss}, {}, None, 3, {}, "batched", 0.0)

    runs = [run("sigmoid+cce", [10.9, 10.4, 10.1]), run("sigmoid+bce", [0.66, 0.58, 0.51]),
            run("softmax+cce", [2.0, 0.2, 0.02, 0.005])]  # CCE on sigmoid outputs ~10, BCE ~0.6, a fast fall
    fig = figures.loss_curves(runs)
    panels = {ax.get_title(): ax for ax in fig.axes if ax.get_visible()}
    assert list(panels) == ["sigmoid+cce", "sigmoid+bce", "softmax+cce"]
    assert [panels[p].get_yscale() for p in panels] == ["linear", "linear", "log"]
    for pairing, ax in panels.items():
        low, high = ax.get_ylim()
        ticks = [t for t in ax.yaxis.get_majorticklocs() if low <= t <= high]
        assert len(ticks) >= 2, (pairing, ticks)  # labelled values on every panel, not one shared 0-11 axis
        line = next(line for line in ax.get_lines() if line.get_label() == pairing)
        assert low <= min(line.get_ydata()) and max(line.get_ydata()) <= high
        assert (high - low) < 2 * (max(line.get_ydata()) - min(line.get_ydata())) or ax.get_yscale() == "log"
    plt.close(fig)


def test_gradient_norms_decades_apart_read_on_a_log_axis_with_labelled_values_and_close_ones_on_a_linear_one():
    import matplotlib.pyplot as plt

    def run(pairing: str, grad: list[float]) -> RunResult:
        history = {"loss": [1.0] * len(grad), "top1_accuracy": [0.5] * len(grad), "grad_norm": grad}
        return RunResult("d", pairing, 0, {}, history, {}, None, 2, {}, "batched", 0.0)

    for grads, scale in ((([0.31, 0.12, 0.05], [0.004, 0.003, 0.0025]), "log"),  # CE vs MSE: decades apart
                         (([0.45, 0.40, 0.38], [0.36, 0.33, 0.31]), "linear")):
        fig = figures.metric_curves([run("softmax+cce", grads[0]), run("softmax+mse", grads[1])], "top1_accuracy")
        ax = next(ax for ax in fig.axes if ax.get_title().startswith("gradient norm"))
        assert ax.get_yscale() == scale, grads
        assert ("log scale" in ax.get_ylabel()) == (scale == "log")
        fig.canvas.draw()
        low, high = ax.get_ylim()
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text() and low <= t.get_position()[1] <= high]
        assert len(labels) >= 2 and not any("$" in t for t in labels), labels  # plain 0.01, not $10^{-2}$
        assert not [t for t in ax.yaxis.get_minorticklocs() if low <= t <= high]  # no unlabelled minor ticks
        plt.close(fig)


def test_curves_of_seeds_stopped_early_at_different_epochs_average_the_seeds_still_running():
    """--early-stopping ends seeds at different epochs: the report used to fail on the ragged curves."""
    import matplotlib.pyplot as plt

    def run(seed: int, loss: list[float]) -> RunResult:
        history = {"loss": loss, "top1_accuracy": [0.5 + 0.1 * i for i in range(len(loss))], "grad_norm": [1.0] * len(loss)}
        return RunResult("d", "softmax+cce", seed, {}, history, {}, None, 2, {}, "batched", 0.0)

    runs = [run(0, [0.9, 0.6]), run(1, [0.7, 0.4, 0.3, 0.2])]
    for fig, title in ((figures.loss_curves(runs), "softmax+cce"), (figures.metric_curves(runs, "top1_accuracy"), None)):
        ax = next(ax for ax in fig.axes if title is None or ax.get_title() == title)
        line = next(line for line in ax.get_lines() if line.get_label() == "softmax+cce")
        expected = [0.8, 0.5, 0.3, 0.2] if title else [0.5, 0.6, 0.7, 0.8]
        np.testing.assert_allclose(line.get_ydata(), expected)
        plt.close(fig)


@pytest.mark.parametrize("args, kwargs, expected", [
    ((0.9771, 0.9762, 0.9780), {}, {"value": "0.977", "spread": "\u00b10.001", "title": "95% interval [0.976, 0.978]"}),
    # a proportion's interval stays in [0, 1]: clipped, uneven, so shown as bounds, never -0.000
    ((0.001, -0.0004, 0.0024), {"metric": "exact_match"}, {"value": "0.001", "spread": "[0.000, 0.002]"}),
    ((0.999, 0.997, 1.001), {"metric": "top1_accuracy"}, {"spread": "[0.997, 1.000]"}),
    ((0.05, -0.01, 0.11), {"metric": "log_loss"}, {"spread": "[0.000, 0.110]"}),
    # a difference is not a proportion: its interval may cross 0, and a difference that rounds to 0 reads +0.000
    ((-0.0004, -0.0014, 0.0006), {"signed": True}, {"value": "+0.000", "spread": "\u00b10.001"}),
    ((-0.591, -0.6, -0.582), {"signed": True, "metric": "f1_micro"}, {"value": "-0.591", "spread": "\u00b10.009"}),
    ((None, None, None), {}, {"value": "n/a", "spread": ""}),
    ((0.5, math.nan, math.nan), {}, {"value": "0.500", "spread": ""}),
])
def test_interval_reads_as_value_and_half_width_within_the_metric_range(args, kwargs, expected):
    shown = interval(*args, **kwargs)
    assert {k: shown[k] for k in expected} == expected
    assert "-0.000" not in json.dumps(shown)


def _run(pairing: str, seed: int, curve: dict) -> RunResult:
    return RunResult("d", pairing, seed, {}, {}, curve, None, 3, {}, "batched", 0.0)


def test_reliability_pooled_over_seeds_equals_the_curve_of_all_their_rows():
    rng = np.random.default_rng(0)
    seeds = []
    for _ in range(3):
        logits = rng.normal(size=(200, 4)) * 2
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        seeds.append((rng.integers(0, 4, size=200), probs))
    runs = [_run("softmax+cce", s, metrics.reliability_curve(y, p)) for s, (y, p) in enumerate(seeds)]
    pooled = figures.pooled_reliability(runs)
    every_row = metrics.reliability_curve(np.concatenate([y for y, _ in seeds]), np.concatenate([p for _, p in seeds]))
    assert pooled["count"] == every_row["count"] and sum(pooled["count"]) == 600
    np.testing.assert_allclose(pooled["confidence"], every_row["confidence"], rtol=1e-12)
    np.testing.assert_allclose(pooled["frequency"], every_row["frequency"], rtol=1e-12)


def test_reliability_marks_sparse_bins_hollow_and_draws_counts_below():
    import matplotlib.pyplot as plt

    curve = {"confidence": [0.35, 0.95], "frequency": [0.2, 0.9], "count": [3, 400]}
    fig = figures.reliability([_run("sigmoid+bce", 0, curve), _run("sigmoid+bce", 1, curve)])
    top, bottom = fig.axes
    filled, hollow = [c for c in top.collections if len(c.get_offsets())][:2]
    np.testing.assert_allclose(filled.get_offsets(), [[0.95, 0.9]])
    np.testing.assert_allclose(hollow.get_offsets(), [[0.35, 0.2]])
    assert tuple(hollow.get_facecolor()[0]) == (1.0, 1.0, 1.0, 1.0)
    assert sorted(p.get_height() for p in bottom.patches) == [6, 800]  # pooled rows per bin, both seeds
    plt.close(fig)
    assert figures.reliability([_run("linear+hinge", 0, {"confidence": [], "frequency": [], "count": []})]) is None


def test_differences_are_dots_with_intervals_zoomed_to_the_data_with_the_margin_band(compared):
    import matplotlib.pyplot as plt

    result, _ = compared
    cells = {(s["pairing"], s["metric"]): s for s in result.summary if s["dataset"] == "breast_cancer"}
    verdicts = [v for v in result.verdicts if v["dataset"] == "breast_cancer"]
    pairings = list(dict.fromkeys(r.pairing for r in result.runs if r.dataset == "breast_cancer"))
    fig = figures.differences(cells, verdicts, pairings, "top1_accuracy")
    means, deltas = fig.axes
    shown = [v for v in verdicts if v["metric"] == "top1_accuracy"]
    margin = shown[0]["margin"]
    deltas_drawn = [b for v in shown for b in (v["delta"], v["ci_low"], v["ci_high"])] + [-margin, margin]
    means_drawn = [b for p in pairings for b in (cells[(p, "top1_accuracy")]["mean"],
                                                 *figures.clip_interval("top1_accuracy", cells[(p, "top1_accuracy")]["ci_low"],
                                                                        cells[(p, "top1_accuracy")]["ci_high"]))]
    for ax, drawn in ((deltas, deltas_drawn), (means, means_drawn)):
        low, high = ax.get_xlim()
        span = max(drawn) - min(drawn)
        # zoomed to what is drawn (15% padding each side), not a fixed 0-1 axis
        assert min(drawn) - 0.16 * span <= low < min(drawn) and max(drawn) < high <= max(drawn) + 0.16 * span
    band = [p for p in deltas.patches if math.isclose(p.get_x(), -margin) and math.isclose(p.get_width(), 2 * margin)]
    assert band, "the margin band of the verdict rule"
    assert [t.get_text() for t in deltas.get_yticklabels()] == [v["pairing"] for v in shown]
    plt.close(fig)


def test_summary_on_every_run_and_the_sweep_view_only_with_a_grid(compared, tmp_path):
    _, out = compared
    html = (out / "report.html").read_text()
    assert "Summary across datasets" in html and "Sweep:" not in html and "<th>setting</th>" not in html
    summary = html[html.index("Summary across datasets"):html.index("Verdicts:")]
    assert summary.count("<tr>") == 1 + 2  # header, breast_cancer, emotions
    assert ">matched</span>" in summary and "\u00b1" in summary and "-0.000" not in html
    assert not (out / "figures" / "sweep_effects.png").exists()
    single = lossmatch.compare(["breast_cancer"], out=tmp_path, pairings=["softmax+cce", "sigmoid+bce"], **FAST)
    assert "Summary across datasets" in (tmp_path / "report.html").read_text() and single.settings == [""]


def test_tables_keep_intervals_on_one_line_and_scroll_in_their_own_box(compared):
    _, out = compared
    html = (out / "report.html").read_text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert html.count('<div class="scroll"><table>') == html.count("<table>") == 1 + 2
    assert re.search(r"\.value, \.pairing \{ white-space: nowrap; \}", html)
    assert re.search(r'<span class="value" title="95% interval \[[0-9.]+, [0-9.]+\]">[0-9.]+ <span class="ci">'
                     r"\u00b1[0-9.]+</span></span>", html)
    assert not re.findall(r"src=\"(?!data:image/png;base64,)", html)  # self-contained
    # figures: never scaled above their own size; a wide one keeps a readable width and scrolls in its <figure>
    images = re.findall(r'<img alt="[^"]*" width="(\d+)" height="\d+" style="width: max\(100%, (\d+)px\); '
                        r'max-width: (\d+)px" src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == html.count("<img ") and any(least == "576" for _, least, _, _ in images)
    for width, least, cap, data in images:
        assert width == cap and least == ("576" if int(width) > 800 else "0")
        assert int(width) == int.from_bytes(base64.b64decode(data)[16:20], "big")
    assert "figure { margin: 1rem 0; overflow-x: auto; }" in html


class Chromium:
    """Headless Chromium over ``--remote-debugging-pipe``: commands in on fd 3, replies out on fd 4, each a JSON
    message ended by NUL (the DevTools protocol, no websocket client needed)."""

    def __init__(self, binary: str, timeout: float = 60.0):
        self._profile = tempfile.mkdtemp(prefix="lossmatch-chromium-")
        to_child, self._send = os.pipe()
        self._receive, from_child = os.pipe()
        # Chromium expects the pipes on fds 3 and 4: a small Python trampoline moves them there from numbers >= 10
        # (so never 3 or 4 themselves) and execs the browser
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
        for fd in (to_child, from_child):
            os.close(fd)
        move = (f"import os, sys; os.dup2({high[0]}, 3); os.dup2({high[1]}, 4); os.close({high[0]}); "
                f"os.close({high[1]}); os.execv(sys.argv[1], sys.argv[1:])")
        self._process = subprocess.Popen(
            [sys.executable, "-c", move, binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--remote-debugging-pipe", f"--user-data-dir={self._profile}", "about:blank"],
            pass_fds=high, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in high:
            os.close(fd)
        self._timeout, self._id, self._buffer, self._events = timeout, 0, b"", []

    def call(self, method: str, session: str | None = None, **params):
        self._id += 1
        message = {"id": self._id, "method": method, "params": params, **({"sessionId": session} if session else {})}
        os.write(self._send, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self._events.append(reply)

    def wait_for(self, method: str) -> None:
        deadline = time.monotonic() + self._timeout
        while not any(event.get("method") == method for event in self._events):
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self._events.append(self._read())
        self._events.clear()

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            if not select.select([self._receive], [], [], self._timeout)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._receive, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        try:
            self.call("Browser.close")
            self._process.wait(timeout=10)
        except (OSError, RuntimeError, TimeoutError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        os.close(self._send)
        os.close(self._receive)
        shutil.rmtree(self._profile, ignore_errors=True)


_MEASURE = """(() => { const page = document.documentElement;
  return {scrollWidth: page.scrollWidth, innerWidth: window.innerWidth, images: document.images.length,
          broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt)}; })()"""


def render(browser: Chromium, url: str, width: int, screenshot: Path) -> dict:
    """Open ``url`` in a ``width``-px viewport (a phone's, honouring the viewport tag, below 600 px), measure it and
    save a full-page screenshot."""
    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    browser.call("Page.enable", session)
    browser.call("Emulation.setDeviceMetricsOverride", session, width=width, height=900, deviceScaleFactor=1,
                 mobile=width < 600)
    browser.call("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired")
    facts = browser.call("Runtime.evaluate", session, expression=_MEASURE, returnByValue=True)["result"]["value"]
    shot = browser.call("Page.captureScreenshot", session, format="png", captureBeyondViewport=True)["data"]
    screenshot.write_bytes(base64.b64decode(shot))
    browser.call("Target.closeTarget", targetId=target)
    return facts


def test_report_fits_1400_and_420_px_without_sideways_scroll_and_every_image_loads(compared, tmp_path):
    """Screenshots land in $LOSSMATCH_SCREENSHOTS when set (CI artefacts), else in the test's tmp dir."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    _, out = compared
    shots = Path(os.environ.get("LOSSMATCH_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    figures_embedded = (out / "report.html").read_text().count('src="data:image/png;base64,')
    browser = Chromium(binary)
    try:
        for width in (1400, 420):
            shot = shots / f"report_{width}px.png"
            facts = render(browser, (out / "report.html").as_uri(), width, shot)
            assert facts["innerWidth"] == width, f"the page is laid out {facts['innerWidth']} px wide (viewport tag?)"
            assert facts["scrollWidth"] <= facts["innerWidth"], f"scrolls sideways at {width} px: {facts}"
            assert facts["images"] == figures_embedded and not facts["broken"], facts
            from PIL import Image

            image = Image.open(shot)
            pixels = np.asarray(image.convert("L"), dtype=np.float64)
            assert image.size[0] == width and image.size[1] > 2000 and pixels.std() > 10  # the whole page, not blank
    finally:
        browser.close()
