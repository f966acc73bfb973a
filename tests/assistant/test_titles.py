"""A "which premier/minister/MP …?" answer names the person the title stands beside."""
from __future__ import annotations

import pytest

from communique.assistant.titles import asked_title
from communique.assistant.values import find_value

ABEGWEIT_FR = ("Cet investissement a été annoncé par le ministre Lawrence MacAulay, le premier ministre de "
               "l’Île-du-Prince-Édouard Dennis King, le député provincial de Morell – Donagh Sidney MacEwen, et le chef "
               "Roderick W. Gould Jr.")
HALIFAX_EN = "The funding was announced by Sean Fraser, Minister of Housing, and Andy Fillmore, MP for Halifax."
DIANA_FR = ("Aujourd’hui, au nom de l’honorable Bill Blair, ministre de la Défense nationale, et de l’honorable "
            "Jean-Yves Duclos, ministre des Services publics et de l’Approvisionnement.")


@pytest.mark.parametrize("question, text, name", [
    ("Which premier took part in announcing the recreation centre?", ABEGWEIT_FR, "Dennis King"),  # title before
    ("Which minister announced the recreation centre?", ABEGWEIT_FR, "Lawrence MacAulay"),
    ("Which MP announced the funding?", HALIFAX_EN, "Andy Fillmore"),  # title after, behind a comma
    ("Which minister announced the funding?", HALIFAX_EN, "Sean Fraser"),  # not the MP after "Minister …, and"
    ("On behalf of which two federal ministers was it announced?", DIANA_FR, "Bill Blair"),
    ("Quel député provincial a annoncé le centre ?", ABEGWEIT_FR, "Donagh Sidney MacEwen"),
])
def test_the_person_given_the_title_asked(question, text, name):
    value = find_value("person", text, 0, titles=asked_title(question))
    assert value is not None and value.text == name


def test_without_a_title_asked_the_first_name_stands():
    assert asked_title("Who announced the recreation centre?") == ()
    value = find_value("person", ABEGWEIT_FR, 0, titles=asked_title("Who announced the recreation centre?"))
    assert value is not None and value.text == "Lawrence MacAulay"


def test_a_title_nobody_carries_leaves_the_choice_as_it_was():
    value = find_value("person", HALIFAX_EN, 0, titles=asked_title("Which mayor announced the funding?"))
    assert value is not None and value.text == "Sean Fraser"


def test_a_ligature_before_the_name_does_not_shift_the_title():
    # folding writes « œ » as "oe": the title is looked for in the text's own slices, not at shifted offsets
    # (twenty of them shift a folded copy by twenty characters: more than "premier ministre " is long)
    ligatures = ", ".join(["les vœux", "les œuvres", "les cœurs", "les sœurs", "les nœuds"] * 4)
    text = (f"Pour saluer {ligatures} de la communauté, le ministre Lawrence MacAulay et le premier "
            "ministre Dennis King étaient présents.")
    value = find_value("person", text, 0, titles=asked_title("Which premier was there?"))
    assert value is not None and value.text == "Dennis King"
