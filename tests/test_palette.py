"""Region colours: byte-identical to the Regional Prompter palette, and accepted by its rules."""

from __future__ import annotations

import colorsys

import pytest

from lib_dazdepth.engine.palette import hex_colour, parse_colour, region_colours, region_hues

FACTS = [
    "#804040",
    "#408080",
    "#608040",
    "#604080",
    "#807040",
    "#408050",
    "#405080",
    "#804070",
    "#805840",
    "#788040",
]


def test_first_ten_colours_match_facts_md() -> None:
    assert [hex_colour(c) for c in region_colours(10)] == FACTS


def test_hues_follow_bisection_order() -> None:
    assert [float(h) for h in region_hues(12)] == [
        0,
        180,
        90,
        270,
        45,
        135,
        225,
        315,
        22.5,
        67.5,
        112.5,
        157.5,
    ]


@pytest.mark.parametrize("count", [1, 16, 64])
def test_every_colour_passes_the_regional_prompters_saturation_and_value_check(count) -> None:
    # It keeps colours whose S and V round into 0.49..0.51 and matches the hue exactly.
    hues = [float(h) for h in region_hues(count)]
    for colour, hue in zip(region_colours(count), hues):
        h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in colour))
        assert 0.49 <= round(s, 2) <= 0.51 and 0.49 <= round(v, 2) <= 0.51
        assert abs(h * 360 - hue) < 1.5
    assert len(set(region_colours(count))) == count


def test_css_colours_and_hex_are_understood() -> None:
    assert parse_colour("red") == (255, 0, 0)
    assert parse_colour("#0f0") == (0, 255, 0)
    with pytest.raises(ValueError):
        parse_colour("blurple")
