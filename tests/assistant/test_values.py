"""Values found inside quoted sentences (assistant/values.py): the figure, place or person asked for."""
from __future__ import annotations

import pytest

from communique.assistant.values import find_value, full_name, people_in


@pytest.mark.parametrize("kind, sentence, value", [
    ("amount", "For 2025, employees will pay $1.64 for every $100 of insurable earnings.",
     "$1.64 for every $100 of insurable earnings"),
    ("amount", "July 22, 2024 — The Government of Canada is investing $74 million in small craft harbours.", "$74 million"),
    ("amount", "Les gouvernements investissent conjointement 163,5 millions de dollars dans la planification.",
     "163,5 millions de dollars"),
    ("amount", "un investissement conjoint de plus de 57 millions de dollars sur cinq ans pour renforcer",
     "plus de 57 millions de dollars sur cinq ans"),
    ("amount", "Canada will commit up to $300 million to support trade in clean hydrogen.", "up to $300 million"),
    ("count", "L'édition de 2025 a réuni plus de 6 000 leaders, experts et chercheurs.", "plus de 6 000 leaders"),
    ("count", "funding of up to $1.6 million, to be shared among four 2SLGBTQI+ organizations located in Atlantic Canada.",
     "four 2SLGBTQI+ organizations"),
    ("place", "MONTRÉAL, le 25 sept. 2025 /CNW/ - Cette semaine, la ministre de l'Industrie", "Montréal"),
    ("place", "GATINEAU (Québec), le 27 juin 2024 — Les gouvernements du Canada et du Québec", "Gatineau"),
    ("date", "Works will begin in May 2026 and end in fall 2027.", "May 2026"),
    ("date", "Canada will complete the design of Canadarm3 by June 27, 2026, the minister said.", "June 27, 2026"),
    ("person", "PORT HAWKESBURY, Nova Scotia, July 31, 2024 — Speaking in Port Hawkesbury, the Minister of Energy "
               "and Natural Resources, Jonathan Wilkinson, announced", "Jonathan Wilkinson"),
    ("duration", "plus de 57 millions de dollars sur cinq ans", "cinq ans"),
])
def test_the_value_of_the_kind_asked(kind, sentence, value):
    found = find_value(kind, sentence, 100)
    assert found is not None and found.shown == value
    assert sentence[found.start - 100 : found.end - 100] == found.text  # offsets into the release


def test_a_rates_unit_is_not_an_amount():
    assert find_value("amount", "the two-cent reduction applies to every $100 of those earnings", 0) is None


def test_a_count_must_count_the_thing_asked():
    sentence = "The Government of B.C. is providing $10.4 million for a new, 95-seat Hornby Island school"
    assert find_value("count", sentence, 0, noun="seat").shown.startswith("95-seat")
    assert find_value("count", "Three projects in St. Anthony receive support.", 0, noun="seat") is None


def test_a_value_the_question_names_is_not_its_answer():
    sentence = "VANCOUVER — The minister will announce funding in Squamish."
    assert find_value("place", sentence, 0, exclude="where in squamish?", lead=True).shown == "Vancouver"


def test_people_and_full_names():
    sentence = ("la ministre de l'Industrie, l'honorable Mélanie Joly, et le ministre de l'Intelligence artificielle, "
                "l'honorable Evan Solomon, ont participé")
    assert [name for _, _, name in people_in(sentence)] == ["Mélanie Joly", "Evan Solomon"]
    assert full_name("ministre Joly", "… l'honorable Mélanie Joly, ministre de l'Industrie …") == "Mélanie Joly"


def test_a_date_range_is_one_value_and_a_unit_counts_its_synonym():
    sentence = "Ferry service is suspended from January 20 to February 3, 2026, for repairs to the dock."
    assert find_value("date", sentence, 0).shown == "from January 20 to February 3, 2026"
    assert find_value("count", "Laval aménagera 42 kilomètres de pistes cyclables", 0, noun="km").shown == "42 kilomètres"
    # the release's own date (its dateline) is no answer to "when do the works start?"
    assert find_value("date", "LAVAL, le 10 mars 2026 — La Ville aménagera des pistes cyclables.", 0) is None


def test_a_street_address_or_block_is_a_place():
    from communique.assistant.values import find_value

    assert find_value("place", "Located at 38012 3rd Ave., the project will provide rental homes.", 0).text == "38012 3rd Ave."
    block = "Removal starts on the 100 block of East Broadway and 2500 block of Main Street."
    assert find_value("place", block, 0).text == "the 100 block of East Broadway"
    assert find_value("place", "Le centre sera situé au 1234, rue Sherbrooke Est.", 0).text == "1234, rue Sherbrooke Est"
    assert find_value("place", "Highway 3 twinning will support 755 jobs.", 0) is None


def test_a_telephone_number_is_no_count_or_amount():
    # media contacts close many releases: "780-423-6807 Chair, …" once opened a "how many" answer
    assert find_value("count", "780-423-6807 Chair, Alberta Order of Excellence", 0) is None
    assert find_value("count", "People may call 1-800-663-7867 for help.", 0) is None
    value = find_value("count", "Call (250) 387-1234: 45 people will be housed.", 0)
    assert value is not None and value.text.startswith("45")


@pytest.mark.parametrize("sentence, place", [
    ("Masting location(s): All Government of Canada buildings and establishments in the province of Québec", "Québec"),
    ("Endroit(s) de la mise en berne : Tous les édifices du gouvernement du Canada dans la province de Québec", "Québec"),
    ("Flags will fly at half-mast in the province of New Brunswick.", "New Brunswick"),
    ("Les drapeaux sont en berne dans la ville de Montréal, au Québec.", "Montréal"),
    ("Les drapeaux sont en berne dans la région du Dehcho.", "Dehcho"),
    ("Flags are lowered in the province of Newfoundland and Labrador.", "Newfoundland and Labrador"),
])
def test_the_place_named_after_its_kind(sentence, place):
    """"in the province of Québec": the place is the name, not "the province"."""
    from communique.assistant.values import find_value

    assert find_value("place", sentence, 0).text == place
