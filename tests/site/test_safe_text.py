from site_gen.site.safe_text import render, render_inline


def test_raw_html_is_shown_as_text():
    html = str(render("<script>alert(1)</script> and <img src=x onerror=alert(1)>"))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_markdown_emphasis_lists_and_safe_links_survive():
    html = str(render("*soft* **tissue**\n\n- one\n- two\n\n[doi](https://doi.org/10.1/x)"))
    assert "<em>soft</em>" in html and "<strong>tissue</strong>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://doi.org/10.1/x" rel="nofollow noopener">doi</a>' in html


def test_unsafe_links_images_and_mail_autolinks_are_dropped():
    html = str(render("[x](javascript:alert(1)) ![p](https://example.org/p.png) <someone@example.org>"))
    assert "javascript:" not in html and "<img" not in html and "mailto:" not in html


def test_inline_rendering_has_no_paragraph():
    assert str(render_inline("a *b*")) == "a <em>b</em>"
