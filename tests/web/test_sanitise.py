"""Free text shown as HTML: escaped, with its paragraphs and line breaks kept."""

from markupsafe import Markup

from portal.web.sanitise import text_to_html


def test_paragraphs_and_line_breaks_are_kept_and_everything_else_is_escaped():
    text = 'First line\r\nsecond <b>line</b> & "quotes"\r\n\r\n\r\n  \n\nLast <script>alert(1)</script>'
    assert text_to_html(text) == Markup(
        '<p class="govuk-body">First line<br>second &lt;b&gt;line&lt;/b&gt; &amp; &#34;quotes&#34;</p>'
        '<p class="govuk-body">Last &lt;script&gt;alert(1)&lt;/script&gt;</p>'
    )
    assert text_to_html("") == Markup("") and text_to_html(None) == Markup("")
