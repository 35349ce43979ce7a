"""The colours of a reply's bullets, quote bars, code and tables, as Textual's `Markdown` gives
them on the theme in use.

Textual's `Markdown` colours some of its parts one way on a dark theme and another way on a
light one (`:light` rules in its CSS: bullets and quote bars `$text-secondary`, inline code
`$text-error` on `$error 5%`, code blocks and tables on `white 30%`), and its code blocks have no
background on an ANSI theme (`:ansi`). A reply from history is styled text
(markdown_message.py), whose styles can name CSS variables but not pseudo-classes: so the app
adds these variables, worked out for its theme (`DynapromptApp.get_css_variables`), and a
theme change draws the replies again (lines_view.py keys its lines by the theme).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.color import Color, ColorParseError

BULLET = "$md-bullet"  # a bullet's or a number's colour (Textual's `MarkdownBullet`)
BAR = "$md-quote-bar"  # a quote's border (`MarkdownBlockQuote`)
CODE_FILL = "on $md-code-background"  # a code block's background (`MarkdownFence`)
CODE_INLINE = "$md-code-inline on $md-code-inline-background"  # `.code_inline`
TABLE_FILL = "on $md-table-background"  # a table's background (`MarkdownTable`)


def variables(theme: Mapping[str, str], *, dark: bool, ansi: bool) -> dict[str, str]:
    """The variables for a theme whose own variables are `theme` (Textual's names)."""

    def faded(name: str, alpha: float) -> str:
        # A variable's value is a colour alone: its alpha is in it ("$x 50%" is not a value).
        try:
            return Color.parse(theme[name]).multiply_alpha(alpha).css
        except (KeyError, ColorParseError):  # (a theme of someone's own, without it)
            return TRANSPARENT

    if dark:
        found = {
            "md-bullet": faded("text-primary", 1),
            "md-quote-bar": faded("text-primary", 0.5),
            "md-code-background": BLACK_10,
            "md-code-inline": faded("text-warning", 0.95),
            "md-code-inline-background": faded("warning", 0.1),
            "md-table-background": TRANSPARENT,
        }
    else:
        found = {
            "md-bullet": faded("text-secondary", 1),
            "md-quote-bar": faded("text-secondary", 1),
            "md-code-background": WHITE_30,
            "md-code-inline": faded("text-error", 0.95),
            "md-code-inline-background": faded("error", 0.05),
            "md-table-background": WHITE_30,
        }
    if ansi:
        found["md-code-background"] = TRANSPARENT
        found["md-code-inline-background"] = "ansi_default"
    return found


TRANSPARENT = Color(0, 0, 0, 0).css
BLACK_10 = Color(0, 0, 0, 0.1).css
WHITE_30 = Color(255, 255, 255, 0.3).css
