"""Reading frames faster must not read differently: several images in one Tesseract process,
readings remembered by content, the vectorised statistics of the views and the detector."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from site_gen.phi import pixel_text
from site_gen.phi.ocr import prepare, run_tesseract, run_tesseract_many
from site_gen.phi.pixel_text import FrameReader
from site_gen.phi.text_regions import component_stats
from site_gen.phi.views import rendering_signature, row_medians

from .conftest import clean_dataset, ct_pixels, draw_lines


def _page(lines: list[str], size=(360, 120)) -> Image.Image:
    image = draw_lines(Image.new("L", size, 0), lines, size=20, fill=255)
    return prepare(image, medical=True)[0]


def _rows(tsv: str) -> list[list[str]]:
    """Word rows without the page number (the only column that differs between the two ways)."""
    return [cols[:1] + cols[2:] for cols in (line.split("\t") for line in tsv.splitlines()[1:]) if cols[0] == "5"]


def test_one_tesseract_process_reads_each_image_as_it_reads_it_alone():
    pages = [_page(["DOE^JOHN 1956-04-12"]), _page(["nothing here"], size=(200, 60)), _page(["ID 4471-22", "ACC 0099"])]
    together = run_tesseract_many(pages)
    assert len(together) == 3
    for image, tsv in zip(pages, together):
        assert _rows(tsv) == _rows(run_tesseract(image))
    assert any("DOE" in row[-1] for row in _rows(together[0]))


def _slice_with_text(seed: int = 0) -> np.ndarray:
    pixels = ct_pixels(seed=seed)
    mask = np.asarray(draw_lines(Image.new("L", (256, 256), 0), ["SMITH^ANNA", "2019-03-02"], size=16)) > 127
    pixels[mask] = 1500
    return pixels


def _words(text) -> list[tuple[str, tuple[int, int, int, int]]]:
    return sorted((w.text, w.box) for w in text.words())


def test_a_reading_is_remembered_only_for_the_same_pixels_and_rendering(monkeypatch):
    monkeypatch.setattr(pixel_text, "_readings", type(pixel_text._readings)())
    frame = _slice_with_text()
    ds = clean_dataset(pixels=frame)
    first = FrameReader(ds).read(frame, full_pass=None)
    assert any("SMITH" in word for word, _box in _words(first))
    calls = []
    monkeypatch.setattr(pixel_text, "read_crops", lambda crops, *a, **k: calls.append(1) or [[] for _ in crops])
    again = FrameReader(ds).read(frame.copy(), full_pass=None)          # same pixels: remembered
    assert _words(again) == _words(first) and [r.box for r in again.regions] == [r.box for r in first.regions]
    assert calls == []
    shifted = FrameReader(ds).read(frame, full_pass=None, area=(0, 0, 256, 256))   # same part, as an area
    assert _words(shifted) == _words(first) and calls == []
    changed = frame.copy()
    changed[200, 200] += 1                                               # one value differs: read again
    FrameReader(ds).read(changed, full_pass=None)
    assert calls
    calls.clear()
    other_window = clean_dataset(pixels=frame)
    other_window.WindowCenter, other_window.WindowWidth = 1400, 300      # rendered differently: read again
    assert rendering_signature(other_window) != rendering_signature(ds)
    FrameReader(other_window).read(frame, full_pass=None)
    assert calls


def test_remembered_readings_are_copies(monkeypatch):
    monkeypatch.setattr(pixel_text, "_readings", type(pixel_text._readings)())
    frame = _slice_with_text(seed=4)
    ds = clean_dataset(pixels=frame)
    first = FrameReader(ds).read(frame, full_pass=None)
    expected = _words(first)
    first.passes.append(("added by a caller", []))
    first.regions.clear()
    again = FrameReader(ds).read(frame, full_pass=None)
    assert _words(again) == expected and again.regions and all(label != "added by a caller" for label, _ in again.passes)


@pytest.mark.parametrize("columns", [1, 2, 7, 64, 1024])
def test_row_medians_are_numpys_medians(columns):
    values = np.random.default_rng(columns).normal(size=(50, columns)).astype(np.float32)
    values[3] = 1.0   # ties
    assert np.array_equal(row_medians(values), np.median(values, axis=1).astype(np.float32))


def test_component_statistics_are_opencvs():
    rng = np.random.default_rng(1)
    mask = (rng.random((300, 400)) > 0.93).astype(np.uint8)
    mask[50:70, 10:200] = 1
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    assert np.array_equal(component_stats(mask), stats[1:].astype(np.int64))
    assert component_stats(np.zeros((10, 10), np.uint8)).shape == (0, 5)
