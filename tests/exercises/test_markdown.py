from exercises.markdown import render_markdown, strip_leading_title


def test_inline_math_is_kept_verbatim_for_katex():
    html = render_markdown(r"The update is $\theta_t = \theta_{t-1} - \eta * g_t$ here.")
    assert r"$\theta_t = \theta_{t-1} - \eta * g_t$" in html
    assert "<em>" not in html


def test_display_math_is_kept_verbatim_across_lines():
    html = render_markdown("Before\n\n$$\n\\hat m_t = \\frac{m_t}{1-\\beta_1^t}\n$$\n\nAfter")
    assert "$$\n\\hat m_t = \\frac{m_t}{1-\\beta_1^t}\n$$" in html


def test_math_is_html_escaped():
    html = render_markdown("Require $a<b$ and $c > d$ and $x & y$.")
    assert "$a&lt;b$" in html
    assert "$c &gt; d$" in html
    assert "$x &amp; y$" in html


def test_dollar_amounts_are_not_math():
    html = render_markdown("It costs $5 and $6 in total.")
    assert "It costs $5 and $6 in total." in html


def test_dollars_inside_code_are_left_to_markdown():
    html = render_markdown("Run `echo $HOME$` then:\n\n```python\nprice = '$a_b$'\n```\n")
    assert "<code>echo $HOME$</code>" in html
    assert "tlmath" not in html


def test_fenced_code_is_highlighted_with_pygments_classes():
    html = render_markdown("```python\ndef step(p, g):\n    return p - g\n```\n")
    assert '<div class="highlight">' in html
    assert '<span class="k">def</span>' in html


def test_dangerous_html_is_removed():
    html = render_markdown(
        '<script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="x()">link</a>'
        '\n\n<img src="x" onerror="alert(3)">'
    )
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onclick" not in html
    assert "onerror" not in html


def test_placeholder_lookalikes_in_text_are_not_substituted():
    html = render_markdown("tlmath0x0x and $y$")
    assert "tlmath0x0x" in html
    assert "$y$" in html


def test_a_leading_heading_repeating_the_title_is_dropped():
    text = "# AdamW: decoupled decay\n\nWrite one update.\n"
    assert strip_leading_title(text, title="AdamW: Decoupled decay") == "\nWrite one update.\n"


def test_other_leading_headings_are_kept():
    text = "# Background\n\nWrite one update.\n"
    assert strip_leading_title(text, title="AdamW") == text
    assert strip_leading_title("Intro\n# AdamW\n", title="AdamW") == "Intro\n# AdamW\n"
