import pytest

from site_gen.site.urls import Urls


@pytest.mark.parametrize("directory_urls, src, target, expected", [
    (True, "cases/a.md", "browse/systems/chest.md", "../../browse/systems/chest/"),
    (True, "index.md", "cases/a.md", "cases/a/"),
    (True, "cases/a.md", "index.md", "../../"),
    (True, "browse/systems/index.md", "browse/systems/chest.md", "chest/"),
    (False, "cases/a.md", "browse/systems/chest.md", "../browse/systems/chest.html"),
    (False, "cases/a.md", "index.md", "../index.html"),
])
def test_links_between_pages(directory_urls, src, target, expected):
    assert Urls(directory_urls).link(src, target) == expected


def test_asset_links():
    assert Urls(True).relative("cases/a.md", "media/ab/0001.webp") == "../../media/ab/0001.webp"
    assert Urls(False).relative("cases/a.md", "media/ab/0001.webp") == "../media/ab/0001.webp"
