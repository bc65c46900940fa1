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

# --------------------------------------------------------------------------- health problems (IOC 2020)
# Bahr R, et al. International Olympic Committee consensus statement: methods for recording and
# reporting of epidemiological data on injury and illness in sport 2020 (including STROBE-SIIS).
# Br J Sports Med 2020;54:372-389. The codes below are that paper's categories, in its order.

#: A health problem is an injury or an illness (IOC 2020, "Health problems").
PROBLEM_TYPES: tuple[str, ...] = ("injury", "illness")

#: Mode of onset (IOC 2020): sudden (a specific, identifiable event) or gradual (no such event).
ONSET_MODES: tuple[str, ...] = ("sudden", "gradual")

#: Contact as the mechanism of a sudden-onset injury (IOC 2020, Table 2): none, indirect (through
#: another athlete or an object) or direct (with another athlete or an object).
CONTACTS: tuple[str, ...] = ("non_contact", "indirect_athlete", "indirect_object", "direct_athlete", "direct_object")

#: What the athlete was doing when the problem began (IOC 2020, "Activity").
ACTIVITIES: tuple[str, ...] = ("training", "match", "other_sport", "outside_sport")

#: Body areas (IOC 2020, "Body area"), grouped by region in `BODY_AREA_REGIONS`.
BODY_AREAS: tuple[str, ...] = (
    "head",
    "neck",
    "shoulder",
    "upper_arm",
    "elbow",
    "forearm",
    "wrist",
    "hand",
    "chest",
    "thoracic_spine",
    "lumbosacral",
    "abdomen",
    "hip_groin",
    "thigh",
    "knee",
    "lower_leg",
    "ankle",
    "foot",
    "unspecified",
    "crossing",
)

#: The IOC 2020 region of each body area.
BODY_AREA_REGIONS: dict[str, str] = {
    **dict.fromkeys(("head", "neck"), "head_neck"),
    **dict.fromkeys(("shoulder", "upper_arm", "elbow", "forearm", "wrist", "hand"), "upper_limbs"),
    **dict.fromkeys(("chest", "thoracic_spine", "lumbosacral", "abdomen"), "trunk"),
    **dict.fromkeys(("hip_groin", "thigh", "knee", "lower_leg", "ankle", "foot"), "lower_limbs"),
    **dict.fromkeys(("unspecified", "crossing"), "unspecified"),
}

#: The IOC 2020 body area of each of Fascia's body regions (the areas Fascia records pain, sessions and
#: injuries by): the two back regions and the pelvis fall into the consensus's spinal areas.
BODY_AREA_OF_REGION: dict[str, str] = {
    **{region: region for region in BODY_REGIONS if region in BODY_AREAS},
    "upper_back": "thoracic_spine",
    "lower_back": "lumbosacral",
    "pelvis_sacrum": "lumbosacral",
    "lower_leg_achilles": "lower_leg",
}

#: Tissue type and pathology type of an injury (IOC 2020, "Tissue and pathology type"): each tissue and its pathologies.
TISSUE_PATHOLOGIES: dict[str, tuple[str, ...]] = {
    "muscle_tendon": (
        "muscle_injury",
        "muscle_contusion",
        "muscle_compartment_syndrome",
        "tendinopathy",
        "tendon_rupture",
    ),
    "nervous": ("brain_spinal_cord_injury", "peripheral_nerve_injury"),
    "bone": ("fracture", "bone_stress_injury", "bone_contusion", "avascular_necrosis", "physis_injury"),
    "cartilage_synovium_bursa": ("cartilage_injury", "arthritis", "synovitis_capsulitis", "bursitis"),
    "ligament_joint_capsule": ("joint_sprain", "chronic_instability"),
    "superficial_tissues_skin": ("superficial_contusion", "laceration", "abrasion"),
    "vessels": ("vascular_trauma",),
    "stump": ("stump_injury",),
    "internal_organs": ("organ_trauma",),
    "non_specific": ("non_specific",),
}
TISSUES: tuple[str, ...] = tuple(TISSUE_PATHOLOGIES)
PATHOLOGIES: tuple[str, ...] = tuple(p for pathologies in TISSUE_PATHOLOGIES.values() for p in pathologies)

#: Fascia's injury type (the recurrence rule's "same type") of each IOC pathology, and the pathology an
#: injury recorded before the IOC fields (type only) is given. Both ways are one table.
INJURY_TYPE_OF_PATHOLOGY: dict[str, str] = {
    **dict.fromkeys(PATHOLOGIES, "other"),
    "muscle_injury": "muscle_strain",
    "tendinopathy": "tendinopathy",
    "tendon_rupture": "tendinopathy",
    "joint_sprain": "ligament_sprain",
    "chronic_instability": "ligament_sprain",
    "muscle_contusion": "contusion",
    "superficial_contusion": "contusion",
    "bone_contusion": "contusion",
    "cartilage_injury": "joint_cartilage",
    "synovitis_capsulitis": "joint_cartilage",
    "bone_stress_injury": "bone_stress",
}
PATHOLOGY_OF_INJURY_TYPE: dict[str, tuple[str, str]] = {
    "muscle_strain": ("muscle_tendon", "muscle_injury"),
    "tendinopathy": ("muscle_tendon", "tendinopathy"),
    "ligament_sprain": ("ligament_joint_capsule", "joint_sprain"),
    "contusion": ("muscle_tendon", "muscle_contusion"),
    "joint_cartilage": ("cartilage_synovium_bursa", "cartilage_injury"),
    "bone_stress": ("bone", "bone_stress_injury"),
    "other": ("non_specific", "non_specific"),
}

#: Organ system or region of an illness (IOC 2020, "Illness classification").
ORGAN_SYSTEMS: tuple[str, ...] = (
    "cardiovascular",
    "dermatological",
    "dental",
    "endocrinological",
    "gastrointestinal",
    "genitourinary",
    "haematological",
    "musculoskeletal",
    "neurological",
    "ophthalmological",
    "otological",
    "psychiatric",
    "respiratory",
    "thermoregulatory",
    "multiple_systems",
    "unknown",
)

#: Cause (aetiology) of an illness (IOC 2020, "Illness classification").
ILLNESS_CAUSES: tuple[str, ...] = (
    "allergic",
    "environmental_exercise",
    "environmental_other",
    "immunological",
    "infection",
    "neoplasm",
    "metabolic_nutritional",
    "thrombotic_haemorrhagic",
    "degenerative_chronic",
    "developmental",
    "drug_poisoning",
    "multiple",
    "unknown",
)

#: The return-to-sport continuum (Ardern et al. 2016, BJSM 50:853-864), in order, and the availability
#: each stage means for training.
RTS_STAGES: tuple[str, ...] = (
    "rehabilitation",
    "return_to_participation",
    "return_to_sport",
    "return_to_performance",
)
RTS_STAGE_AVAILABILITY: dict[str, str] = {
    "rehabilitation": "unavailable",
    "return_to_participation": "modified",
    "return_to_sport": "full",
    "return_to_performance": "full",
}
#: The first stage that is return to full participation: the day it is reached is the return date.
RTS_FULL_PARTICIPATION: str = "return_to_sport"

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
