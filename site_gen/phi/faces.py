"""Faces (category FACE): a facial photograph identifies the patient, whatever file carries it.

Detector: OpenCV's Haar cascades (opencv-python-headless 4.x ships them in `cv2.data.haarcascades`;
5.x dropped CascadeClassifier, hence the `<5` pin).  Rules, tuned so that radiographs, CT slices
and ultrasound do not trigger (a chest radiograph's shoulder fools a single frontal cascade):

* the image is reduced to at most 640 px and histogram-equalised; a face must be at least 8 %
  of the shorter side (a thumbnail-sized face in a crowd is not what this check is for);
* COLOUR images (clinical photographs): a frontal face from either frontal cascade
  (default or alt2, minNeighbors 5, scale step 1.2) or a profile face, looking either way
  (minNeighbors 6), confirmed by at least one eye found in the upper part of the box;
* GREYSCALE images (radiographs, CT, ultrasound, but also black-and-white portraits): both
  frontal cascades must agree on the box (overlap >= 40 %) AND an eye must be found in it.

Orientation: the cascades only see upright faces.  Callers hand over the image as it will be
displayed (EXIF orientation applied, see `site_gen.media.raster.displayed`); photographs and
secondary captures are also searched turned by a quarter, a half and three quarters, because a
picture stored sideways without an orientation tag still shows a (sideways) face.

DICOM (`DicomFaces`): every image object is checked, whatever its modality, greyscale too.
Photographic objects (secondary captures, visible-light photographs, 3D renderings, colour
pictures in a modality without colour of its own) in all four orientations; acquisitions and
their reformats upright (the cascades cost 50-130 ms of processor time a frame, four turns 3-6
times that: for every slice of a CT series this would dominate the guard's time).
A multi-frame object has a frame checked when any eighth-by-eighth block of it differs visibly
from the last frame checked, and at least every `KEY_FRAME_EVERY` frames: consecutive slices and
cine frames change little, so a face hidden on one frame of a loop differs from its neighbours
and is always looked at.
3D volume or surface renderings of the head are refused from their header alone (the rules are
in data/face-renderings.yml): a head rendering shows the face even when the detector does not
recognise skin surfaces as one.  Only an editor can allow such a file.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib import resources

import numpy as np
from PIL import Image

from .finding import Category, Finding, value_hash
from .ocr import cannot_verify

WORKING_SIDE = 640
MIN_FACE_FRACTION = 0.08
DETECTOR = "faces-haar"
RENDERING_DETECTOR = "faces-rendering"
KEY_FRAME_EVERY = 10         # a multi-frame object has at least every 10th frame checked
KEY_FRAME_CHANGE = 12.0      # grey-level change (0-255) of one eighth-by-eighth block that makes a key frame

# What a contributor can do about a face (never "black out text": that does not remove a face).
FACE_ADVICE = ("crop the face out of the picture (for a photograph: site-gen import-dicom PHOTO --case CASE "
               "--crop LEFT,TOP,RIGHT,BOTTOM), or leave this image out; if the face is needed for "
               "teaching, ask an editor to allow this file (only editors can)")
# find_faces reports the quarter turns (counter-clockwise) that stand a face upright.
_TURNED = {0: "", 1: " (lying on its side, turned to the right)", 2: " (upside down)",
           3: " (lying on its side, turned to the left)"}


_PER_THREAD = threading.local()


def _cascades():
    """The cascades of the calling thread: one CascadeClassifier must not run in two threads at
    once (frames are checked in a thread pool; shared classifiers missed faces under load)."""
    loaded = getattr(_PER_THREAD, "cascades", None)
    if loaded is None:
        loaded = _PER_THREAD.cascades = _load_cascades()
    return loaded


def _load_cascades():
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
    if image.mode in ("L", "LA", "I", "I;16", "F", "1"):
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


def _upright_faces(grey: np.ndarray, colour: bool, *, thorough: bool = True) -> list[tuple[int, int, int, int]]:
    """Face boxes in an equalised greyscale working image, upright faces only.

    `thorough`: in colour, also the second frontal cascade and faces seen from the side.  The
    turned copies of a picture get the first frontal cascade only (a face stored sideways is the
    rare case; each cascade costs 60-100 ms of processor time on a 640 px picture).
    """
    cv2, cascades = _cascades()
    side = max(24, int(min(grey.shape) * MIN_FACE_FRACTION))

    def detect(name: str, neighbours: int, image: np.ndarray = grey):
        return [tuple(int(v) for v in box) for box in cascades[name].detectMultiScale(
            image, scaleFactor=1.2, minNeighbors=neighbours, minSize=(side, side))]

    def confirmed(boxes):
        """Boxes with at least one eye in their upper part."""
        kept = []
        for (x, y, w, h) in boxes:
            upper = grey[y:y + int(h * 0.6), x:x + w]
            eyes = cascades["eye"].detectMultiScale(upper, scaleFactor=1.1, minNeighbors=3,
                                                    minSize=(max(6, w // 10), max(6, w // 10)))
            if len(eyes):
                kept.append((x, y, w, h))
        return kept

    default = detect("frontal", 5)
    if colour:
        # Cheapest first: most photographs with a face are settled by the first cascade.
        faces = confirmed(default)
        if not faces and thorough:
            faces = confirmed(b for b in detect("frontal_alt2", 5) if all(_overlap(b, d) < 0.4 for d in default))
        if not faces and thorough:
            faces = confirmed(detect("profile", 6))
        if not faces and thorough:  # the profile cascade knows faces looking one way: mirror for the other
            width = grey.shape[1]
            mirrored = [(width - x - w, y, w, h) for (x, y, w, h) in detect("profile", 6, np.ascontiguousarray(grey[:, ::-1]))]
            faces = confirmed(mirrored)
        return faces
    if not default:
        return []
    alt2 = detect("frontal_alt2", 5)
    return confirmed(d for d in default if any(_overlap(d, a) >= 0.4 for a in alt2))


def _unturn(box, turns: int, width: int, height: int) -> tuple[int, int, int, int]:
    """A box found in the image turned `turns` quarters counter-clockwise (np.rot90), in the
    coordinates of the unturned image of size width x height."""
    x, y, w, h = box
    if turns == 1:
        return (width - y - h, x, h, w)
    if turns == 2:
        return (width - x - w, height - y - h, w, h)
    if turns == 3:
        return (y, height - x - w, h, w)
    return box


def find_faces(image: Image.Image, *, all_orientations: bool = False) -> list[tuple[tuple[int, int, int, int], int]]:
    """(box, turns) of each face: box (left, top, width, height) in the coordinates of `image`,
    turns = quarter turns the picture needed for the face to stand upright (0: as displayed)."""
    cv2, _ = _cascades()
    colour = is_colour(image)
    work = image.convert("RGB") if image.mode not in ("L", "RGB") else image
    scale = min(1.0, WORKING_SIDE / max(work.size))
    if scale < 1.0:
        work = work.resize((max(1, round(work.width * scale)), max(1, round(work.height * scale))), Image.BILINEAR)
    grey = cv2.equalizeHist(np.asarray(work.convert("L")))
    height, width = grey.shape
    found = []
    for turns in (0, 1, 2, 3) if all_orientations else (0,):
        turned = np.ascontiguousarray(np.rot90(grey, turns)) if turns else grey
        for box in _upright_faces(turned, colour, thorough=turns == 0):
            x, y, w, h = _unturn(box, turns, width, height)
            full = (round(x / scale), round(y / scale), round(w / scale), round(h / scale))
            if not any(_overlap(full, seen) >= 0.4 for seen, _ in found):
                found.append((full, turns))
        if found:
            break  # one orientation with a face settles it
    return found


def detect_faces(image: Image.Image, *, all_orientations: bool = False) -> list[tuple[int, int, int, int]]:
    """Face boxes (left, top, width, height) in the coordinates of `image`."""
    return [box for box, _ in find_faces(image, all_orientations=all_orientations)]


def face_finding(rel: str, *, box=None, frame: int | None = None, what: str = "the image shows a face",
                 detector: str = DETECTOR) -> Finding:
    return Finding(path=rel, category=Category.FACE, detector=detector,
                   message=f"{what}: facial pictures identify the patient - {FACE_ADVICE}",
                   box=box, frame=frame, value_hash=value_hash(f"{detector}:{frame}:{box}"))


def check_faces(image: Image.Image, rel: str, *, frame: int | None = None,
                all_orientations: bool = False) -> list[Finding]:
    try:
        faces = find_faces(image, all_orientations=all_orientations)
    except ImportError:
        return [cannot_verify(rel, "faces could not be checked: OpenCV (opencv-python-headless<5) is not installed",
                              DETECTOR, frame=frame)]
    except Exception as error:  # noqa: BLE001 - fail closed
        return [cannot_verify(rel, f"faces could not be checked ({error.__class__.__name__})", DETECTOR, frame=frame)]
    return [face_finding(rel, box=box, frame=frame, what=f"the image shows a face{_TURNED[turns]}")
            for box, turns in faces]


# --- DICOM ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def rendering_rules() -> dict:
    import yaml

    text = resources.files("site_gen.phi").joinpath("data", "face-renderings.yml").read_text("utf-8")
    rules = yaml.safe_load(text)

    def words(key: str) -> re.Pattern:
        return re.compile(r"(?<![A-Z0-9])(?:" + "|".join(rules[key]) + r")(?![A-Z0-9])")
    return {
        "rendering_image_type": re.compile(r"(?:" + "|".join(rules["rendering_image_type"]) + r")"),
        "rendering_words": words("rendering_words"),
        "head_words": words("head_words"),
        "other_region_words": words("other_region_words"),
        "head_body_parts": {part.upper() for part in rules["head_body_parts"]},
        "surface_sop_classes": {str(uid) for uid in rules["surface_sop_classes"]},
        "photographic_sop_classes": {str(uid) for uid in rules["photographic_sop_classes"]},
        "photographic_sop_class_prefixes": tuple(str(uid) for uid in rules["photographic_sop_class_prefixes"]),
        "photographic_modalities": {m.upper() for m in rules["photographic_modalities"]},
        "native_colour_modalities": {m.upper() for m in rules["native_colour_modalities"]},
    }


def _values(ds, keyword: str) -> list[str]:
    value = ds.get(keyword)
    if value is None:
        return []
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return [str(v).upper().replace("_", " ").strip() for v in value]
    return [str(value).upper().replace("_", " ").strip()]


def _text(ds, *keywords: str) -> str:
    return " ".join(v for keyword in keywords for v in _values(ds, keyword))


def _anatomy_text(ds) -> str:
    meanings = [str(item.get("CodeMeaning", "")).upper() for item in ds.get("AnatomicRegionSequence") or []]
    return " ".join([_text(ds, "StudyDescription", "SeriesDescription", "ProtocolName",
                           "RequestedProcedureDescription", "PerformedProcedureStepDescription",
                           "ImageComments")] + meanings)


def _sop_class(ds) -> str:
    return str(ds.get("SOPClassUID") or getattr(ds.get("file_meta"), "MediaStorageSOPClassUID", "") or "").strip()


def is_rendering(ds) -> bool:
    """A 3D volume or surface rendering, or a surface (mesh, point cloud) object."""
    rules = rendering_rules()
    if _sop_class(ds) in rules["surface_sop_classes"]:
        return True
    if any(rules["rendering_image_type"].fullmatch(value) for value in _values(ds, "ImageType")):
        return True
    described = _text(ds, "SeriesDescription", "DerivationDescription", "ImageComments", "ProtocolName",
                      "AcquisitionDeviceProcessingDescription")
    return bool(rules["rendering_words"].search(described))


def rendering_findings(ds, rel: str) -> list[Finding]:
    """A 3D rendering of the head (or of a body part not stated) is refused from its header."""
    try:
        if not is_rendering(ds):
            return []
        rules = rendering_rules()
        body_part = _text(ds, "BodyPartExamined").replace(" ", "")
        anatomy = _anatomy_text(ds)
        if body_part in rules["head_body_parts"] or rules["head_words"].search(anatomy):
            why = "a 3D rendering of the head shows the patient's face"
        elif body_part or rules["other_region_words"].search(anatomy):
            return []
        else:
            why = "a 3D rendering whose body part is not stated may show the patient's face"
    except Exception as error:  # noqa: BLE001 - fail closed
        return [cannot_verify(rel, "could not tell whether this is a rendering of the head "
                                   f"({error.__class__.__name__})", RENDERING_DETECTOR)]
    return [Finding(path=rel, category=Category.FACE, detector=RENDERING_DETECTOR,
                    message=f"{why} (volume or surface rendering) - crop it to the region that teaches, "
                            "or leave it out; only an editor can allow it",
                    value_hash=value_hash(f"{RENDERING_DETECTOR}:{_sop_class(ds)}"))]


def is_photographic(ds) -> bool:
    """A picture made for people to look at (checked in all four orientations), as opposed to an
    acquisition or its reformats: secondary captures and visible-light images, photographic
    modalities, 3D renderings, and colour where the modality has none of its own (an RGB "CT"
    is a screenshot or a rendering; ultrasound Doppler colour is not)."""
    rules = rendering_rules()
    sop = _sop_class(ds)
    modality = str(ds.get("Modality", "") or "").upper().strip()
    photometric = str(ds.get("PhotometricInterpretation", "") or "").upper().strip()
    return (sop in rules["photographic_sop_classes"] or sop.startswith(rules["photographic_sop_class_prefixes"])
            or modality in rules["photographic_modalities"]
            or (not photometric.startswith("MONOCHROME") and modality not in rules["native_colour_modalities"])
            or is_rendering(ds))


class DicomFaces:
    """The face check of one DICOM image object: which frames, in which orientations.

    `wants(index, image)` is asked for every frame in order; `check(image, frame)` runs the detector.
    """

    def __init__(self, ds, rel: str):
        self.rel = rel
        try:
            self.all_orientations = is_photographic(ds)
        except Exception:  # noqa: BLE001 - when in doubt, the thorough check
            self.all_orientations = True
        self._last_checked: np.ndarray | None = None
        self._last_index = -KEY_FRAME_EVERY

    def wants(self, index: int, image: Image.Image) -> bool:
        # Block means of an 8x8 grid: a face big enough to be detected (>= 8 % of the side, in
        # practice 15 % with its eyes) fills most of one block, so the block's mean moves.
        thumbnail = np.asarray(image.convert("L").resize((8, 8), Image.Resampling.BOX), dtype=np.float32)
        due = (self._last_checked is None or index - self._last_index >= KEY_FRAME_EVERY
               or float(np.abs(thumbnail - self._last_checked).max()) > KEY_FRAME_CHANGE)
        if due:
            self._last_checked, self._last_index = thumbnail, index
        return due

    def check(self, image: Image.Image, frame: int | None) -> list[Finding]:
        return check_faces(image, self.rel, frame=frame, all_orientations=self.all_orientations)
