"""Faces in photographs (category FACE): a facial photograph identifies the patient.

OpenCV's Haar cascades (opencv-python-headless 4.x ships them in `cv2.data.haarcascades`;
5.x dropped CascadeClassifier, hence the `<5` pin).  Rules, tuned so that radiographs, CT slices
and ultrasound do not trigger (a chest radiograph's shoulder fools a single frontal cascade):

* the image is reduced to at most 640 px and histogram-equalised; a face must be at least 8 %
  of the shorter side (a thumbnail-sized face in a crowd is not what this check is for);
* COLOUR images (clinical photographs): a frontal face from either frontal cascade
  (default or alt2, minNeighbors 5, scale step 1.2) or a profile face (minNeighbors 6), confirmed by at least one
  eye found in the upper part of the box;
* GREYSCALE images (radiographs, CT, ultrasound, but also black-and-white portraits): both
  frontal cascades must agree on the box (overlap >= 40 %) AND an eye must be found in it.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image

from .finding import Category, Finding
from .ocr import cannot_verify

WORKING_SIDE = 640
MIN_FACE_FRACTION = 0.08
DETECTOR = "faces-haar"


@lru_cache(maxsize=1)
def _cascades():
    import cv2  # opencv-python-headless<5

    def load(name: str):
        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)
        if cascade.empty():
            raise RuntimeError(f"OpenCV cascade {name} is missing")
        return cascade
    return cv2, {
        "frontal": load("haarcascade_frontalface_default.xml"),
        "frontal_alt2": load("haarcascade_frontalface_alt2.xml"),
        "profile": load("haarcascade_profileface.xml"),
        "eye": load("haarcascade_eye.xml"),
    }


def is_colour(image: Image.Image) -> bool:
    """True for real colour content (a greyscale radiograph saved as RGB is not colour)."""
    if image.mode in ("L", "LA", "I", "I;16", "F", "1", "P") and image.mode != "P":
        return False
    small = np.asarray(image.convert("RGB").resize((64, 64)), dtype=np.int16)
    spread = np.abs(small[..., 0] - small[..., 1]) + np.abs(small[..., 1] - small[..., 2])
    return float(spread.mean()) > 6.0


def _overlap(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    return inter / float(aw * ah + bw * bh - inter)


def detect_faces(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Face boxes (left, top, width, height) in the coordinates of `image`."""
    cv2, cascades = _cascades()
    colour = is_colour(image)
    work = image.convert("RGB")
    scale = min(1.0, WORKING_SIDE / max(work.size))
    if scale < 1.0:
        work = work.resize((max(1, round(work.width * scale)), max(1, round(work.height * scale))), Image.BILINEAR)
    grey = cv2.equalizeHist(np.asarray(work.convert("L")))
    side = max(24, int(min(grey.shape) * MIN_FACE_FRACTION))
    detect = lambda name, neighbours: [tuple(int(v) for v in box) for box in cascades[name].detectMultiScale(
        grey, scaleFactor=1.2, minNeighbors=neighbours, minSize=(side, side))]

    def confirmed(boxes):
        """Boxes with at least one eye in their upper part, in the coordinates of `image`."""
        kept = []
        for (x, y, w, h) in boxes:
            upper = grey[y:y + int(h * 0.6), x:x + w]
            eyes = cascades["eye"].detectMultiScale(upper, scaleFactor=1.1, minNeighbors=3,
                                                    minSize=(max(6, w // 10), max(6, w // 10)))
            if len(eyes):
                kept.append((round(x / scale), round(y / scale), round(w / scale), round(h / scale)))
        return kept

    default = detect("frontal", 5)
    if colour:
        # Cheapest first: most photographs with a face are settled by the first cascade.
        faces = confirmed(default)
        if not faces:
            faces = confirmed(b for b in detect("frontal_alt2", 5) if all(_overlap(b, d) < 0.4 for d in default))
        if not faces:
            faces = confirmed(detect("profile", 6))
        return faces
    if not default:
        return []
    alt2 = detect("frontal_alt2", 5)
    return confirmed(d for d in default if any(_overlap(d, a) >= 0.4 for a in alt2))


def check_faces(image: Image.Image, rel: str, *, frame: int | None = None) -> list[Finding]:
    try:
        boxes = detect_faces(image)
    except ImportError:
        return [cannot_verify(rel, "faces could not be checked: OpenCV (opencv-python-headless<5) is not installed",
                              DETECTOR, frame=frame)]
    except Exception as error:  # noqa: BLE001 - fail closed
        return [cannot_verify(rel, f"faces could not be checked ({error.__class__.__name__})", DETECTOR, frame=frame)]
    return [Finding(path=rel, category=Category.FACE, detector=DETECTOR,
                    message="the photograph shows a face; facial photographs identify the patient "
                            "(crop or mask it, or use a non-identifying image)",
                    box=box, frame=frame) for box in boxes]
