"""Paragraphs typed as plain text (JavaScript off) and read back as plain text for editing."""

from liveblog.content.text import html_to_plain, plain_to_html


def test_a_blank_line_starts_a_paragraph_and_a_single_line_break_stays_a_break():
    text = "Le peloton arrive.\nIl reste 5 km.\n\n\nSecond paragraphe."
    assert plain_to_html(text) == (
        "<p>Le peloton arrive.<br>Il reste 5 km.</p><p>Second paragraphe.</p>"
    )


def test_what_looks_like_a_tag_in_plain_text_stays_words():
    assert plain_to_html("Score < 3 & <b>rien</b>") == (
        "<p>Score &lt; 3 &amp; &lt;b&gt;rien&lt;/b&gt;</p>"
    )


def test_windows_line_endings_and_surrounding_space_make_no_empty_paragraph():
    assert plain_to_html("\r\n  Un.\r\n\r\nDeux.  \r\n") == "<p>Un.</p><p>Deux.</p>"
    assert plain_to_html("   \n\n ") == ""


def test_html_reads_back_as_the_words_with_blank_lines_and_bullets():
    html = (
        "<p>Un <strong>gras</strong> mot</p><ul><li>a</li><li>b <em>c</em></li></ul><p>x<br>y</p>"
    )
    assert html_to_plain(html) == "Un gras mot\n\n• a\n\n• b c\n\nx\ny"


def test_plain_text_survives_the_round_trip():
    text = "Premier < paragraphe\nligne deux\n\nSecond & fin"
    assert html_to_plain(plain_to_html(text)) == text
