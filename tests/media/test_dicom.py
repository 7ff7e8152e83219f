import numpy as np
import pytest

from site_gen.media.dicom import (DicomReadError, apply_window, auto_window, file_window, ordered_slices,
                                  render_slices)
from tests.media.dicom_fixtures import write_slice


def test_linear_window_matches_dicom_formula():
    # Window 40/400: -160 HU and below black, 240 HU and above white, centre mid-grey.
    values = np.array([-1000, -160, 40, 240, 1000], dtype=np.float32)
    assert apply_window(values, 40, 400).tolist() == [0, 0, 128, 255, 255]


def test_auto_window_spans_percentiles():
    centre, width = auto_window(np.linspace(0, 1000, 10001, dtype=np.float32))
    assert centre == pytest.approx(500, abs=1)
    assert width == pytest.approx(990, abs=1)


def test_slices_ordered_by_position_not_file_name(tmp_path):
    for name, z in (("a.dcm", 10.0), ("b.dcm", -10.0), ("c.dcm", 0.0)):
        write_slice(tmp_path / name, np.zeros((4, 4)), z=z)
    slices, _ = ordered_slices(sorted(tmp_path.iterdir()))
    assert [s.path.name for s in slices] == ["a.dcm", "c.dcm", "b.dcm"]  # head (+z) first


def test_file_window_used_then_ct_default(tmp_path):
    # Stored 1064 with intercept -1024 is 40 HU: the centre of both windows.
    pixels = np.full((4, 4), 1064)
    with_window = write_slice(tmp_path / "w.dcm", pixels, window=(-600, 1500))
    slices, header = ordered_slices([with_window])
    assert file_window(header) == (-600.0, 1500.0)
    [(rendered, used)] = list(render_slices(slices, header))
    assert used == (-600.0, 1500.0)
    assert rendered[0, 0] == int(((40 + 600.5) / 1499 + 0.5) * 255)

    plain = write_slice(tmp_path / "p.dcm", pixels)
    slices, header = ordered_slices([plain])
    [(rendered, used)] = list(render_slices(slices, header))
    assert used == (40.0, 400.0)
    assert rendered[0, 0] == 128


def test_case_override_wins_and_monochrome1_is_inverted(tmp_path):
    path = write_slice(tmp_path / "m1.dcm", np.full((4, 4), 1064), photometric="MONOCHROME1",
                       window=(40, 400))
    slices, header = ordered_slices([path])
    [(rendered, used)] = list(render_slices(slices, header, window=(1064 - 1024 - 1000, 400)))
    assert used == (-960, 400)
    assert rendered[0, 0] == 0  # white after windowing, inverted to black


def test_unreadable_file_raises_plain_error(tmp_path):
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00")
    with pytest.raises(DicomReadError, match="bad.dcm"):
        ordered_slices([bad])
