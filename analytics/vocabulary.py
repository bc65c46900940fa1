"""The fixed vocabularies of the domain model (see DESIGN.md, "Domain model").

Plain constants shared by `data/` (CHECK constraints, validation) and
`analytics/` (categorical columns). No imports beyond the standard library. The words a person
reads for each code are in `views.words` (the one vocabulary), keyed by these codes.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("admin", "coach", "therapist", "athlete")

#: Sports-injury consensus body areas (Fuller et al. 2006; Bahr et al. 2020, IOC consensus).
BODY_REGIONS: tuple[str, ...] = (
    "head",
    "neck",
    "shoulder",
    "upper_arm",
    "elbow",
    "forearm",
    "wrist",
    "hand",
    "chest",
    "upper_back",
    "lower_back",
    "abdomen",
    "pelvis_sacrum",
    "hip_groin",
    "thigh",
    "knee",
    "lower_leg_achilles",
    "ankle",
    "foot",
)

SIDES: tuple[str, ...] = ("left", "right", "central", "bilateral")
LIMB_SIDES: tuple[str, ...] = ("left", "right")
DOMINANT_SIDES: tuple[str, ...] = ("left", "right", "both")

TECHNIQUES: tuple[str, ...] = (
    "active_release",
    "myofascial_release",
    "deep_tissue",
    "trigger_point",
    "instrument_assisted",
    "stretching",
    "other",
)

INJURY_TYPES: tuple[str, ...] = (
    "muscle_strain",
    "tendinopathy",
    "ligament_sprain",
    "contusion",
    "joint_cartilage",
    "bone_stress",
    "other",
)

MECHANISMS: tuple[str, ...] = ("acute", "gradual")

AVAILABILITY: tuple[str, ...] = ("full", "modified", "unavailable")

TRAINING_KINDS: tuple[str, ...] = ("training", "match")

ROM_UNITS: tuple[str, ...] = ("deg", "cm")

ROM_CONTEXTS: tuple[str, ...] = (
    "screening",
    "baseline",
    "pre_session",
    "post_session",
    "follow_up",
)

#: OSTRC-O2 answer scores (Clarsen et al. 2013, 2020).
OSTRC_SCORES: tuple[int, ...] = (0, 8, 17, 25)

#: Wellness items on 1-5 with 5 best (McLean et al. 2010, as PMSys uses).
WELLNESS_ITEMS: tuple[str, ...] = ("fatigue", "sleep_quality", "soreness", "stress", "mood")

#: Plausible ROM value range per unit, enforced by a CHECK constraint.
ROM_VALUE_RANGE: dict[str, tuple[float, float]] = {"deg": (-30.0, 200.0), "cm": (-40.0, 80.0)}


#: The ROM measures the product knows: (joint, movement, unit, method).
#: Goniometry has a minimal detectable change of 5 degrees by default; the
#: weight-bearing lunge (knee-to-wall distance, cm) 1.5 cm (Chisholm et al. 2012).
ROM_MEASURES: tuple[tuple[str, str, str, str], ...] = (
    ("hip", "internal_rotation", "deg", "goniometer"),
    ("hip", "external_rotation", "deg", "goniometer"),
    ("hip", "straight_leg_raise", "deg", "inclinometer"),
    ("knee", "flexion", "deg", "goniometer"),
    ("ankle", "dorsiflexion_lunge", "cm", "tape"),
    ("shoulder", "internal_rotation", "deg", "goniometer"),
    ("shoulder", "external_rotation", "deg", "goniometer"),
)
