"""Departments grouped across languages over the real samples index."""
from __future__ import annotations

from communique.ui.backend import ChatBackend
from communique.ui.departments import DepartmentName


def test_each_department_once_in_each_interface_language(samples_index):
    backend = ChatBackend(samples_index)
    english, french = backend.departments("en"), backend.departments("fr")
    names = backend.stats().departments
    assert len(english) == len(french) < len(names)  # pairs of names became one entry each
    assert ("Fisheries and Oceans Canada", "Fisheries and Oceans Canada") in english
    assert ("Pêches et Océans Canada", "Fisheries and Oceans Canada") in french  # same value, French label
    assert {v for _, v in english} == {v for _, v in french}


def test_a_department_name_matches_its_other_language():
    name = DepartmentName("Fisheries and Oceans Canada", frozenset({"Pêches et Océans Canada"}))
    assert "Pêches et Océans Canada" == name and not ("Pêches et Océans Canada" != name)
    assert "Health Canada" != name and str(name) == "Fisheries and Oceans Canada"


def test_filtering_by_one_name_finds_both_language_versions(samples_index):
    backend = ChatBackend(samples_index)
    from communique.ui.backend import check_filters

    for lang, expected in (("fr", "Pêches et Océans Canada"), ("en", "Fisheries and Oceans Canada")):
        hits = backend.search("homard lobster", k=5, filters=check_filters(lang, None, None, "Pêches et Océans Canada"))
        assert hits and {h.metadata["department"] for h in hits} == {expected}


def test_the_active_filter_names_the_department_in_the_interface_language(samples_index, tmp_path):
    from communique.ui.feedback import FeedbackLog
    from communique.ui.handlers import ChatApp

    app = ChatApp(ChatBackend(samples_index), FeedbackLog(tmp_path / "f.jsonl"))
    *_, last = app.respond("Combien coûte la prochaine phase du Canadarm3 ?", [], [], "fr", "", "", "", "",
                           "Canadian Space Agency")
    chat, turns = last[0], last[1]
    assert "Filtres actifs : Agence spatiale canadienne" in chat[1]["content"]
    assert turns[0].filters["department"] == "Canadian Space Agency"  # the value, as chosen
    assert "999,8" in chat[1]["content"]
