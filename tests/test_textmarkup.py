"""Abstracts show common LaTeX text markup as meant and addresses as links; nothing else is markup."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from generator.render import _ANY_WE, _CONTRIBUTION, sentences, stated_contribution, summary
from generator.textmarkup import plain, rich


def test_common_latex_text_markup_shows_as_the_author_meant():
    text = r"We reach 45\% on A\&B with \textbf{Mamba}, \emph{very} ``deep'' nets and \texttt{code}; \ourMethod stays."
    assert str(rich(text)) == (
        "We reach 45% on A&amp;B with <strong>Mamba</strong>, <em>very</em> \u201cdeep\u201d nets and "
        "<code>code</code>; \\ourMethod stays."
    )
    assert plain(text) == "We reach 45% on A&B with Mamba, very \u201cdeep\u201d nets and code; \\ourMethod stays."


def test_web_addresses_become_links_without_the_sentences_punctuation():
    text = "Code: https://github.com/x/y. Data (at https://d.org/a_(b)), see https://e.org/p?q=1&r=2!"
    assert str(rich(text)) == (
        'Code: <a href="https://github.com/x/y" rel="nofollow noopener">https://github.com/x/y</a>. '
        'Data (at <a href="https://d.org/a_(b)" rel="nofollow noopener">https://d.org/a_(b)</a>), see '
        '<a href="https://e.org/p?q=1&amp;r=2" rel="nofollow noopener">https://e.org/p?q=1&amp;r=2</a>!'
    )


def test_nothing_else_in_an_abstract_becomes_markup():
    text = '<script>x</script> \\textbf{<img src=x onerror=alert(1)>} javascript:alert(1) "https://" {{ 7*7 }}'
    html = str(rich(text))
    assert "<script>" not in html and "<img" not in html and "href" not in html
    assert "<strong>&lt;img src=x onerror=alert(1)&gt;</strong>" in html and "{{ 7*7 }}" in html


def test_a_summary_is_the_sentence_that_says_what_the_paper_does():
    abstract = (
        "Large language models are large. They cost a lot to serve. "
        "In this paper, we propose \\textbf{Tiny}, a 45\\% smaller model. It works well."
    )
    assert summary(abstract) == "We propose Tiny, a 45% smaller model."
    assert summary("Only background here. Nothing more.") == "Only background here."


@given(st.text(alphabet=".!?aA \n", max_size=20))
@example("One. Two!  Three?\nFour. five. .  Six")
def test_sentences_end_at_a_stop_followed_by_space_and_a_capital(text):
    # The rule as first written: split the spaces after the stop, keep the stop with its sentence.
    assert sentences(text) == re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)


def _contribution_by_definition(text: str) -> str:
    """stated_contribution() as first written: every sentence tried in turn."""
    parts = sentences(text)
    return next(
        (s for s in parts if _CONTRIBUTION.search(s)),
        next((s for s in parts[1:] if _ANY_WE.search(s)), parts[0]),
    )


_SUMMARY_PIECES = [
    "We propose",
    "we",
    "this paper",
    "In this work,",
    "Here, we",
    "our",
    "Models",
    "x",
    ". ",
    "! ",
    "?\n",
    " ",
]


@given(st.lists(st.sampled_from(_SUMMARY_PIECES), max_size=16))
@example(["Models", ". ", "We propose", ". ", "x"])
def test_the_summary_is_the_first_sentence_that_states_a_contribution(pieces):
    # The phrase is looked for in the whole text and only its sentence is cut out.
    text = " ".join(pieces)
    assert stated_contribution(text) == _contribution_by_definition(text)
