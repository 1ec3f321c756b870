"""Contrast of the base palette (WCAG AA: 4.5:1 for body text)."""

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[2] / "lms" / "static" / "lms" / "css" / "site.css"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_base_palette_meets_wcag_aa():
    palette = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text()))
    pairs = [
        ("ink", "bg"),
        ("ink", "card"),
        ("muted", "card"),
        ("muted", "bg"),
        ("blue", "card"),
        ("ok", "card"),
        ("warn", "card"),
        ("bad", "card"),
    ]
    for foreground, background in pairs:
        ratio = contrast(palette[foreground], palette[background])
        assert ratio >= 4.5, f"{foreground} on {background}: {ratio:.2f}"
    assert contrast("#ffffff", palette["blue"]) >= 4.5  # white header text
