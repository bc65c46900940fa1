"""Red, amber and green never carry meaning by colour alone, and they stay apart for the colour-blind: each
pair of the traffic-light colours is far apart after a deuteranopia simulation (Machado, Oliveira and
Fernandes 2009, severity 1), the most common colour-vision deficiency (issue 14)."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ui.charts.theme import AVAILABILITY_COLOURS, FLAG_AMBER, FLAG_RED, OK_GREEN

#: Machado et al. 2009, deuteranopia, severity 1.0, on linear RGB.
DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
)
#: The smallest distance (sRGB, 0-255 per channel) two meanings may have after the simulation; the former
#: green (#2E7D32) and the flag red were 28 apart.
APART = 60.0


def seen_by_deuteranope(colour: str) -> np.ndarray:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    shown = np.clip(DEUTERANOPIA @ linear, 0, 1)
    return 255 * np.where(shown <= 0.0031308, 12.92 * shown, 1.055 * shown ** (1 / 2.4) - 0.055)


def test_red_amber_and_green_stay_apart_for_the_colour_blind() -> None:
    for a, b in combinations({FLAG_RED, FLAG_AMBER, OK_GREEN, *AVAILABILITY_COLOURS.values()}, 2):
        distance = float(np.linalg.norm(seen_by_deuteranope(a) - seen_by_deuteranope(b)))
        assert distance > APART, (a, b, round(distance, 1))


def test_the_old_green_would_have_failed() -> None:
    assert np.linalg.norm(seen_by_deuteranope("#2E7D32") - seen_by_deuteranope(FLAG_RED)) < APART
