"""Faces in photographs.

The face fixture is scikit-image's `astronaut.png` (NASA portrait of Eileen Collins, public
domain), which ships inside the scikit-image wheel: a test dependency, read from disk without
importing scikit-image or touching the network.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from site_gen.phi.faces import check_faces, detect_faces, is_colour
from site_gen.phi.finding import Category
from site_gen.phi.image_metadata import check_image

from .conftest import ct_pixels


def astronaut_path() -> Path:
    spec = importlib.util.find_spec("skimage")
    assert spec is not None and spec.submodule_search_locations, \
        "scikit-image (test dependency) is needed for the face fixture"
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "astronaut.png"
    assert path.exists(), "scikit-image wheel without its bundled astronaut.png"
    return path


def radiograph(size=(600, 500)) -> Image.Image:
    """Chest-radiograph-like greyscale: dark lungs, bright mediastinum and shoulders, noise."""
    h, w = size[1], size[0]
    y, x = np.mgrid[0:h, 0:w]
    img = 180 - 90 * np.exp(-(((x - w * 0.3) / (w * 0.12)) ** 2 + ((y - h * 0.55) / (h * 0.3)) ** 2))
    img -= 90 * np.exp(-(((x - w * 0.7) / (w * 0.12)) ** 2 + ((y - h * 0.55) / (h * 0.3)) ** 2))
    img += 40 * np.exp(-(((y - h * 0.1) / (h * 0.1)) ** 2))
    img += np.random.default_rng(0).normal(0, 6, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def ultrasound(size=480) -> Image.Image:
    """A speckled sector on black."""
    y, x = np.mgrid[0:size, 0:size]
    angle = np.arctan2(x - size / 2, y + 20)
    radius = np.hypot(x - size / 2, y + 20)
    sector = (np.abs(angle) < 0.6) & (radius < size * 0.95)
    speckle = np.random.default_rng(2).rayleigh(40, (size, size))
    return Image.fromarray(np.where(sector, np.clip(speckle, 0, 255), 0).astype(np.uint8))


def test_photograph_with_a_face_is_rejected(tmp_path):
    path = tmp_path / "portrait.png"
    Image.open(astronaut_path()).save(path)
    findings = check_image(path, "case/portrait.png", ocr=False)
    faces = [f for f in findings if f.category is Category.FACE]
    assert len(faces) == 1
    x, y, w, h = faces[0].box
    assert 120 < x + w / 2 < 330 and 40 < y + h / 2 < 220   # her face, upper middle-left


def test_greyscale_portrait_is_still_a_face():
    grey = Image.open(astronaut_path()).convert("L")
    assert not is_colour(grey)
    assert detect_faces(grey)


def test_face_in_a_large_jpeg_box_in_full_size_coordinates(tmp_path):
    big = Image.open(astronaut_path()).convert("RGB").resize((2048, 2048))
    path = tmp_path / "big.jpg"
    big.save(path, quality=90)
    faces = [f for f in check_image(path, "big.jpg", ocr=False) if f.category is Category.FACE]
    assert faces and faces[0].box[2] > 250   # scaled back from the reduced working copy


@pytest.mark.parametrize("make", [radiograph, ultrasound,
                                  lambda: Image.fromarray(((ct_pixels(512) + 1000) / 6).clip(0, 255).astype(np.uint8))])
def test_medical_greyscale_images_are_not_faces(make):
    image = make()
    assert check_faces(image, "x.png") == []
    assert check_faces(image.convert("RGB"), "x.png") == []   # greyscale saved as RGB


def test_colour_photo_without_face():
    y, x = np.mgrid[0:400, 0:600]
    rgb = np.stack([150 + 60 * np.sin(x / 40), 110 + 40 * np.cos(y / 30), 90 + 0 * x], -1).astype(np.uint8)
    assert is_colour(Image.fromarray(rgb))
    assert check_faces(Image.fromarray(rgb), "x.jpg") == []
