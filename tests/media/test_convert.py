import numpy as np
import pytest
from PIL import Image

from site_gen.media.convert import ConversionError, convert_series
from site_gen.media.discover import series_files
from tests.media.dicom_fixtures import write_slice


def test_dicom_series_converted_once_then_cached(tmp_path):
    series_dir = tmp_path / "ct"
    for index in range(3):
        write_slice(series_dir / f"{index}.dcm", np.full((8, 8), 1024 + 100 * index), z=float(index),
                    instance=index + 1)
    found = series_files(series_dir)
    first = convert_series(found, tmp_path / "cache")
    assert not first.from_cache
    assert first.frames == ("0001.webp", "0002.webp", "0003.webp")
    assert first.window == (40.0, 400.0)
    grey = [np.asarray(Image.open(p).convert("L"))[4, 4] for p in first.frame_paths()]
    assert grey == sorted(grey, reverse=True) and grey[0] > grey[-1]  # highest z first

    again = convert_series(series_files(series_dir), tmp_path / "cache")
    assert again.from_cache and again.key == first.key

    # Changing one file changes the key: the series is converted again.
    write_slice(series_dir / "0.dcm", np.full((8, 8), 2000), z=0.0)
    changed = convert_series(series_files(series_dir), tmp_path / "cache")
    assert not changed.from_cache and changed.key != first.key


def test_window_override_is_part_of_the_cache_key(tmp_path):
    write_slice(tmp_path / "ct" / "1.dcm", np.full((8, 8), 1024))
    found = series_files(tmp_path / "ct")
    a = convert_series(found, tmp_path / "cache")
    b = convert_series(found, tmp_path / "cache", window=(-600, 1500))
    assert a.key != b.key and b.window == (-600, 1500)


def test_photographs_lose_metadata_and_are_resized(tmp_path):
    source = tmp_path / "photo" / "p.jpg"
    source.parent.mkdir()
    exif = Image.Exif()
    exif[0x013B] = "Artist Name"  # Artist
    exif[0x0112] = 6              # Orientation: rotate 90
    Image.new("RGB", (3000, 1000), (200, 10, 10)).save(source, exif=exif.tobytes(), comment=b"note")
    before = source.read_bytes()
    converted = convert_series(series_files(source.parent), tmp_path / "cache")
    out = Image.open(converted.frame_paths()[0])
    assert out.size == (341, 1024)        # orientation applied, longest side limited
    assert not out.getexif() and "exif" not in out.info and "comment" not in out.info
    assert source.read_bytes() == before  # original never modified


def test_corrupt_image_is_a_conversion_error_naming_the_file(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(ConversionError, match="broken.png"):
        convert_series(series_files(tmp_path / "img"), tmp_path / "cache")


def test_git_lfs_pointer_gets_a_clear_error(tmp_path):
    (tmp_path / "ct").mkdir()
    (tmp_path / "ct" / "0001.dcm").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 524288\n")
    with pytest.raises(ConversionError, match="Git LFS pointer.*git lfs pull"):
        convert_series(series_files(tmp_path / "ct"), tmp_path / "cache")


def test_first_rendition_keeps_every_hounsfield_unit_thumbnails_and_cine_rate(tmp_path):
    from site_gen.media.convert import convert_renditions
    from site_gen.media.dicom import frame_time_ms

    rng = np.random.default_rng(5)
    series_dir = tmp_path / "ct"
    stored = [rng.integers(0, 3000, size=(40, 40)) for _ in range(2)]  # HU -1024..1975
    for index, pixels in enumerate(stored):
        write_slice(series_dir / f"{index}.dcm", pixels, z=float(-index), instance=index + 1)
    own, lung = convert_renditions(series_files(series_dir), tmp_path / "cache", [None, (-600.0, 1500.0)])
    assert own.values == ("v0001.png", "v0002.png") and lung.values == ()  # once per series
    assert own.thumbs == ("t0001.webp", "t0002.webp") and not lung.thumbs
    for name, (offset, step), pixels in zip(own.values, own.value_scale, stored):
        png = Image.open(own.folder / name)
        assert png.mode == "I;16" and png.size == (40, 40)
        hounsfield = offset + step * np.asarray(png, dtype=np.float64)
        assert step == 1.0 and np.array_equal(hounsfield, pixels - 1024.0)  # exact: 1 HU steps
    assert max(Image.open(own.folder / own.thumbs[0]).size) <= 160
    assert own.frame_ms is None  # a stack of slices is not a cine
    again, _ = convert_renditions(series_files(series_dir), tmp_path / "cache", [None, (-600.0, 1500.0)])
    assert again.from_cache and again.values == own.values and again.value_scale == own.value_scale

    from pydicom import Dataset
    header = Dataset()
    header.FrameTime = "33.3"
    assert frame_time_ms(header) == pytest.approx(33.3)
    header = Dataset()
    header.CineRate = 25
    assert frame_time_ms(header) == pytest.approx(40.0)
    header = Dataset()
    header.RecommendedDisplayFrameRate = 50
    assert frame_time_ms(header) == pytest.approx(20.0)
    header.FrameTime = "0"  # a zero frame time says nothing: fall back to the rate
    assert frame_time_ms(header) == pytest.approx(20.0)
    assert frame_time_ms(Dataset()) is None


def test_multiframe_cine_keeps_its_frame_time(tmp_path):
    import pydicom

    from site_gen.media.convert import convert_renditions
    path = write_slice(tmp_path / "us" / "0001.dcm", np.zeros((16, 16)))
    ds = pydicom.dcmread(path)
    frames = np.stack([np.full((16, 16), 50 * i, dtype=np.uint16) for i in range(4)])
    ds.NumberOfFrames = 4
    ds.FrameTime = "66.7"
    ds.PixelData = frames.tobytes()
    ds.save_as(path, enforce_file_format=True)
    [converted] = convert_renditions(series_files(tmp_path / "us"), tmp_path / "cache", [None])
    assert len(converted.frames) == 4 and converted.frame_ms == pytest.approx(66.7)


def test_wide_ranging_values_are_spread_over_4096_levels(tmp_path):
    from site_gen.media.convert import VALUE_LEVELS, value_scale

    values = np.linspace(0, 32767, 1000).reshape(10, 100)  # a 15-bit radiograph
    offset, step = value_scale(values)
    assert offset == 0 and step == pytest.approx(32767 / (VALUE_LEVELS - 1))
    assert value_scale(np.array([[-1024.0, 3071.0]])) == (-1024.0, 1.0)


def test_a_window_cached_as_a_preset_gets_its_extras_when_it_becomes_the_series_own(tmp_path):
    from site_gen.media.convert import convert_renditions

    write_slice(tmp_path / "ct" / "0.dcm", np.full((8, 8), 1000))
    found = series_files(tmp_path / "ct")
    _, preset = convert_renditions(found, tmp_path / "cache", [None, (-600.0, 1500.0)])
    assert not preset.thumbs
    [own] = convert_renditions(found, tmp_path / "cache", [(-600.0, 1500.0)])
    assert own.key == preset.key and own.thumbs and own.values and not own.from_cache
    [again] = convert_renditions(found, tmp_path / "cache", [(-600.0, 1500.0)])
    assert again.from_cache and again.thumbs == own.thumbs
