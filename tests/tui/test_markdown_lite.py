"""The small Markdown reader (markdown_lite.py) renders exactly as markdown-it does, or declines."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from collections.abc import Iterable

import pytest

from dynaprompt_tui.tui.widgets import markdown_lite
from dynaprompt_tui.tui.widgets import markdown_message as mm

COVERED = [
    "Reply 7: **Plan** for item 7\n\n- step one\n- step two\n\n`code 7`",
    "Hello world.",
    "Sure! Here's the plan:\n- first\n- second\n\nThen *rest*.",
    "# Title\nText under it.\n## Sub *em*\n1. one\n2. two\n3. three",
    "7. seventh\n8. eighth",
    "Run this:\n```python\nx = 1 * 2  # <b>\n\n_y_ = [3]\n```\nDone.",
    "~~~\ncode\n~~~",
    "**Note:** use `a*b` (or `<not>`... no) here",
    "- a\n\n- b\n* c\n+ d\n1) e",
    "Line one\nline two with  two  spaces\n\n\n\nAfter blanks.",
    '(**bold**) and "*q*", end *em*',
    "1.5 liters\n#hashtag\n+1 vote, A & B",
    "[a link](https://example.com)",
    "See [the docs](https://example.com/a_b?x=1&y=2#top), then **this**.",
    "- item with [a link](http://a.b/c*d)\n- `code` and ([two](https://x.y) [links](https://z.w)).",
    "## [Heading link](https://h.example)\nText *em* [end](https://e.example)",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Words:\n\n| Word | Meaning |\n|:--|--:|\n| *hola* | hello |\n| `gracias` |  |\n\nSay them.",
    "# Compare\n|x|\n|-|\n\n- after",
    "| only | a header |\n| --- | :-: |",
    "> a quote",
    "- nested\n  - deeper",
    "1. first\n   - under it\n   - and more\n2. second\n   1. deeper\n      - deepest",
    "Intro:\n\n> **Note:** a quote\n> on two lines\n>\n> - with a list\n>   - nested\n\nAfter.",
    "> > quoted twice\n>\n> once",
    "> ```\n> code in a quote\n> ```",
    "- a\n  ```\n  code in an item\n  ```\n- b",
]
DECLINED = [
    "[a link](relative/path)",
    "[x](javascript:alert(1))",
    "![image](https://a.b/c.png)",
    "a[x](https://a.b)",
    "[x](https://a.b)b",
    "[a *b*](https://c.d)",
    "[x] (https://a.b)",
    "[x][ref]",
    "[x](https://a.b/(c))",
    "[x](<https://a.b>)",
    '[x](https://a.b "title")',
    "**[x](https://a.b)**",
    "``code with a ` inside``",
    "-  two spaces after the bullet",
    "1.  two spaces after the number",
    "snake_case word",
    "<b>html</b>",
    "text\n| a | b |\n|---|---|",
    "| a | b |\n|---|---|\n| 1 |",
    "| a | b |\n|---|---|\n| 1 | 2 | 3 |",
    "| a | b |\n|---|---|\nlazy row",
    "a | b\n--|--\n1 | 2",
    "| a \\| b |\n|---|---|",
    "| a | b |\n|---|",
    "- item\n| a |\n|---|",
    "~~struck~~",
    "    indented code",
    "trailing  \nhard break",
    "**a *b* c**",
    "text**bold**",
    "- item\ncontinued lazily",
    "> a quote\nlazily continued",
    "- a\n  3. a paragraph's continuation",
    "- a\n  continued under it",
    "- a\n   - three spaces in",
    "- a\n\n  - after a blank line",
    ">  two spaces after the bar",
    "> ```\n> never closed in the quote",
    "Title\n=====",
    "---",
    "```\nnever closed",
    "AT&amp;T",
    "a \\* escaped star",
    "2 * 3 = 6",
    "Para\n2. not a list here",
    "2024. a list item\n1.5 its lazy continuation",
    "**`code`** in strong",
]


def _both(source: str) -> tuple[tuple[str, list[object]], tuple[str, list[object]]]:
    lite = mm.markdown_content(source)
    full = mm.markdown_content(source, lite=False)
    return (lite.plain, list(lite.spans)), (full.plain, list(full.spans))


def _same_or_declined(sources: Iterable[str]) -> int:
    """Each source the reader takes renders as markdown-it renders it; how many it took."""
    covered = 0
    for source in sources:
        if markdown_lite.tokens(source) is None:
            continue
        covered += 1
        lite, full = _both(source)
        assert lite == full, source
    return covered


@pytest.mark.parametrize("source", COVERED)
def test_covered_markdown_renders_as_markdown_it_does(source: str) -> None:
    assert markdown_lite.tokens(source) is not None
    lite, full = _both(source)
    assert lite == full


@pytest.mark.parametrize("source", DECLINED)
def test_anything_else_is_left_to_markdown_it(source: str) -> None:
    assert markdown_lite.tokens(source) is None


def test_random_mixtures_render_the_same_or_are_declined() -> None:
    parts = [*COVERED, *DECLINED, "", "", "- x", "1. y", "**b**", "*e*", "`c`", "# H", "```"]
    parts += ["  - n", "   1. n", "> q", ">", "> - q", "    deep"]
    rng = random.Random(15)
    sources = ["\n".join(rng.choice(parts) for _ in range(rng.randint(1, 5))) for _ in range(3000)]
    assert _same_or_declined(sources) > 100
    taken = [source for source in sources if markdown_lite.tokens(source) is not None]
    assert sum(">" in source for source in taken) > 50  # quotes, nested lists: taken too
    assert sum("\n  - " in source or "\n   " in source for source in taken) > 20


def test_random_runs_of_markup_characters_render_the_same_or_are_declined() -> None:
    """Lines cut from the characters the subset's edges are made of (links, brackets, stars,
    backticks, list markers, spacing): what the reader takes, it reads as markdown-it does."""
    atoms = ["[x](https://a.b)", "[a b](http://c.d/e_f)", "[t](https://u.v?a=1&b=2)", "[", "]"]
    atoms += ["(", ")", "](", "https://a.b", " ", "  ", "*", "**", "`", "``", "x", "y z", ".", "!"]
    atoms += ["\n", "\n\n", "- ", "-  ", "1. ", "2) ", "# ", "_", "&amp;", "\\", "<", "~", ","]
    atoms += ["```\n", "> ", ">", "\n> ", "\n  - ", "\n   1. ", "\n  "]
    rng = random.Random(26)
    sources = ("".join(rng.choice(atoms) for _ in range(rng.randint(1, 12))) for _ in range(20000))
    assert _same_or_declined(sources) > 1000


def test_random_tables_render_the_same_or_are_declined() -> None:
    """Tables made of the pieces their edges are made of (pipes, rules, alignment colons, cells
    missing or extra, text around, markup in cells): what the reader takes as a table, it
    reads as markdown-it does."""
    cells = ["a", "*em*", "**b**", "`c`", "", "x y", "[l](https://a.b)", "1.5", "日本"]
    odd = ["`c|d`", "\\|", "-", "_u_", "<b>", "a  b"]
    rules = ["---", ":-:", "--:", ":--", "-", " --- "]
    odd_rules = ["--- -", "=", "", "-:-"]

    def pick(rng: random.Random, usual: list[str], unusual: list[str]) -> str:
        return rng.choice(unusual if rng.random() < 0.05 else usual)

    def row(rng: random.Random, n: int, usual: list[str], unusual: list[str]) -> str:
        inner = " | ".join(pick(rng, usual, unusual) for _ in range(n))
        if rng.random() < 0.9:
            return f"| {inner} |"
        return rng.choice([inner, f"|{inner}", f"{inner} |", f"| {inner}|  "])

    def table(rng: random.Random) -> str:
        n = rng.randint(1, 3)
        wrong = [n - 1, n + 1] if rng.random() < 0.1 else [n]
        lines = [row(rng, n, cells, odd), row(rng, rng.choice(wrong), rules, odd_rules)]
        lines += [row(rng, rng.choice(wrong), cells, odd) for _ in range(rng.randint(0, 3))]
        before = rng.choice(["", "", "", "Text\n", "# H\n", "- i\n", "Text\n\n"])
        after = rng.choice(["", "", "", "\nmore", "\n\nmore", "\n- x", "\n\n| a |"])
        return before + "\n".join(lines) + after

    rng = random.Random(42)
    sources = [table(rng) for _ in range(6000)]
    assert _same_or_declined(sources) > 500
    assert sum(mm.markdown_content(s).plain.count("┌") for s in sources[:300]) > 20


def test_a_plain_reply_does_not_load_markdown_it() -> None:
    code = textwrap.dedent(
        """
        import sys
        from dynaprompt_tui.tui.widgets.markdown_message import markdown_content
        markdown_content("**Plan**\\n\\n- one\\n- two\\n\\n`code`")
        markdown_content("Words:\\n\\n| a | b |\\n|---|---|\\n| *1* | 2 |", width=40)
        markdown_content("> Note:\\n>\\n> 1. step\\n>    - detail", width=40)
        print("markdown_it" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
