"""Question analysis: language of short questions, dates named, kinds, and odd input."""
from __future__ import annotations

import pytest

from communique.assistant.question import MAX_QUESTION_CHARS, analyse, clean_question, detect_language, question_kind


@pytest.mark.parametrize(
    "question, lang",
    [
        ("Et où ?", "fr"),
        ("Combien ?", "fr"),
        ("Qui l'a annoncé ?", "fr"),
        ("Quand le chenal rouvrira-t-il ?", "fr"),
        ("Où s'est tenu ALL IN ?", "fr"),
        ("And how much funding?", "en"),
        ("Who announced it?", "en"),
        ("Where?", "en"),
        ("What about Jasper?", "en"),
        ("How many people attended ALL IN 2025?", "en"),
        ("Quel est le montant accordé à Montréal?", "fr"),
    ],
)
def test_language_of_short_questions(question, lang):
    assert analyse(question).lang == lang


def test_language_hint_wins_and_unclear_questions_take_the_default():
    assert analyse("Scale AI", lang="fr").lang == "fr"
    assert analyse("Scale AI", default_lang="fr").lang == "fr"
    assert detect_language("Jasper")[1] is False  # a bare name says nothing: not confident


@pytest.mark.parametrize(
    "question, date_from, date_to, retrieval",
    [
        ("What was announced in September 2025?", "2025-09-01", "2025-09-30", "What was announced?"),
        ("Qu'a-t-on annoncé en juin 2024 ?", "2024-06-01", "2024-06-30", "Qu'a-t-on annoncé?"),
        ("Which notices were issued in 2024?", "2024-01-01", "2024-12-31", "Which notices were issued?"),
        ("What was announced before 2024?", None, "2023-12-31", "What was announced?"),
        ("Ce qui a été annoncé entre mai 2024 et juillet 2024", "2024-05-01", "2024-07-31", "Ce qui a été annoncé"),
        ("Quels avis ont été publiés en 2025 ?", "2025-01-01", "2025-12-31", "Quels avis ont été publiés?"),
        ("Which releases from June 2024 mention hydrogen?", "2024-06-01", "2024-06-30", "Which releases mention hydrogen?"),
    ],
)
def test_publication_dates_become_a_filter_and_leave_the_query(question, date_from, date_to, retrieval):
    q = analyse(question)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert q.retrieval_text == retrieval
    assert q.dates_from_text and not q.content_dates


@pytest.mark.parametrize(
    "question, date_from, date_to",
    [
        ("Is the EI premium rate going down in 2025?", "2025-01-01", "2025-12-31"),
        ("Le taux de cotisation baisse-t-il en 2025 ?", "2025-01-01", "2025-12-31"),
        ("How many projects had the clusters announced as of June 30, 2025?", "2025-06-30", "2025-06-30"),
        ("Qui a parlé le 25 septembre 2025 ?", "2025-09-25", "2025-09-25"),
        ("Since June 2024, which flags were lowered?", "2024-06-01", "9999-12-31"),
        ("What happened on 2024-02-29?", "2024-02-29", "2024-02-29"),
    ],
)
def test_other_dates_are_content_not_filters(question, date_from, date_to):
    """A date that is not about publication names an event or the content: matched in the text, and
    it stays in the words searched for (issue 11: "the rate for 2025" was announced in 2024)."""
    q = analyse(question)
    assert (q.date_from, q.date_to) == (None, None) and not q.dates_from_text
    assert [(m.date_from, m.date_to) for m in q.content_dates] == [(date_from, date_to)]
    assert date_from[:4] in q.retrieval_text


@pytest.mark.parametrize(
    "question",
    [
        "How many people attended ALL IN 2025?",  # a name, not "in 2025"
        "What is the 2030 emissions plan?",  # a year without a preposition is not a date filter
        "What was announced last June?",  # relative: no reference date, so no filter
        "What happened on 31 February 2024?",  # not a date
        "What did they announce in June?",  # a month without a year is ambiguous
    ],
)
def test_no_date_filter_without_an_absolute_date(question):
    q = analyse(question)
    assert (q.date_from, q.date_to) == (None, None)
    assert not q.dates_from_text


def test_explicit_dates_override_the_question():
    q = analyse("What was announced in June 2024?", date_from="2020-01-01")
    assert (q.date_from, q.date_to) == ("2020-01-01", None)
    assert not q.dates_from_text


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Who said that Canada must keep up its efforts?", "who_said"),
        ("Qui a dit que le Canada doit poursuivre ses efforts ?", "who_said"),
        ("Quel ministre a déclaré que l'IA évolue rapidement ?", "who_said"),
        ("Whose words were quoted about the task force?", "who_said"),
        ("How much funding was announced?", "amount"),
        ("Combien de participants ?", "count"),
        ("How many people attended?", "count"),
        ("Combien le fédéral investit-il ?", "amount"),
        ("What is the value of the agreement?", "amount"),
        ("Where was the announcement made?", "place"),
        ("Et où ?", "place"),
        ("Dans quelle ville le drapeau est-il en berne ?", "place"),
        ("When will the channel reopen?", "date"),
        ("Jusqu'à quand les drapeaux sont-ils en berne ?", "date"),
        ("Who announced the funding?", "person"),
        ("Quelle ministre a annoncé l'aide ?", "person"),
        ("Why was the area closed?", "reason"),
        ("Joly ou Solomon ?", "other"),  # « ou » (or) is not « où » (where)
        ("What did the minister who visited Jasper announce?", "other"),  # relative "who"
        ("Qu'est-ce qui a été annoncé ?", "other"),
        # the kinds read from the wording around the interrogative (issue 11, class by class)
        ("Selon qui les parcs sont-ils des trésors naturels ?", "who_said"),
        ("According to whom is the project the first of many?", "who_said"),
        ("Until when did flags fly at half-mast?", "date"),
        ("Pendant quelle période l'autoroute sera-t-elle fermée ?", "date"),
        ("How long are the sprints?", "duration"),
        ("How often does it refresh the numbers?", "duration"),
        ("Combien de temps dure le programme ?", "duration"),
        ("Quelle entreprise réalise les travaux ?", "organisation"),
        ("Which clinic receives the grant?", "organisation"),
        ("Which organizations received funding?", "organisation"),
        ("Quels organismes reçoivent le financement ?", "organisation"),
        ("Quelle sera la hauteur du barrage ?", "count"),
        ("Sur quelle superficie les pulvérisations auront-elles lieu ?", "count"),
        ("Quels sont les loyers mensuels ?", "amount"),
        ("What is the street address of the new building?", "place"),
        ("Combien de logements seront construits ?", "count"),  # « combien de » is still a count
        ("Which ministers attended ALL IN?", "person"),
        ("What do businesses need to know?", "other"),  # an auxiliary, not a body's type
        ("How will the program address homelessness?", "other"),  # the verb, not a street address
        ("Quel organisme fédéral a annoncé le financement ?", "organisation"),
        ("On behalf of which two federal ministers was it announced?", "person"),
        ("In which Pakistani city did the attack take place?", "place"),
        ("After the cost-recovery policy was dropped, which budget provides its funding?", "other"),  # a named budget
        ("Qui, chez Easter Seals Alberta, a souligné que les campeurs reviennent ?", "who_said"),
        ("Who, at the Smithers Art Gallery, said the walls can move?", "who_said"),
        ("Who, in the end, will run the shelter?", "person"),
        ("Who at the gallery was quoted about the moveable walls?", "who_said"),
        ("Who was quoted in the FedNor announcement?", "who_said"),
        ("Dans le billet, qui est cité pour avoir dit qu'il faut servir tout le pays ?", "who_said"),
        ("Qui, au comté de Lac La Biche, s'est réjoui que la rue soit asphaltée ?", "who_said"),
        ("Who was appointed chair of the board?", "person"),  # a person, not a speaker
        ("How much funding did the company who was quoted in the release receive?", "amount"),  # a relative "who"
        ("Quel montant est prévu pour le projet qui est cité dans le budget ?", "amount"),
        ("Who was cited for bravery?", "person"),
        ("Qui est le nouveau président du conseil ?", "person"),
        ("What will the new bridge cost?", "amount"),
        ("From which city was the release issued?", "place"),
        ("Which other programs does it complement?", "other"),  # a modifier alone sets no kind
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_the_second_question_keeps_its_letters():
    # « où » folds into « ou » ("or"), and « œ » before it into two letters
    assert analyse("Combien coûte la main-d'œuvre du centre, et où sera-t-il construit ?").second_clause == (
        "et où sera-t-il construit")
    assert analyse("Jusqu'à quand et où les drapeaux ont-ils été mis en berne ?").second_clause.startswith("et où")


def test_several_kinds_in_one_question():
    assert analyse("Jusqu'à quand et où les drapeaux ont-ils été mis en berne ?").kinds == ("date", "place")
    assert analyse("When will the school open, and how many students will it serve?").kinds == ("date", "count")
    assert analyse("Until when are flags lowered?").until
    assert analyse("Combien de temps durera la fermeture ?").kinds == ("duration",)  # not also a count


@pytest.mark.parametrize("question, asks_year", [("By what year will the projects be done?", True),
                                                 ("D'ici quelle année les travaux seront-ils terminés ?", True),
                                                 ("When will the projects be done?", False)])
def test_a_question_asking_for_a_year(question, asks_year):
    assert analyse(question).asks_year is asks_year


@pytest.mark.parametrize("question, second", [
    ("How much did it bring in for 2019, and how much has it raised since it started?", True),
    ("Quel montant la province offre-t-elle, et quelle est la date limite ?", True),
    ("How many beds will the shelter provide, and who will run it?", True),
    ("Jusqu'à quand et où les drapeaux ont-ils été mis en berne ?", True),
    ("How much funding did Alberta and Canada announce?", False),  # "and" between names, one question
    ("Qui a rencontré les maires et les préfets ?", False),
])
def test_a_second_question_joined_to_the_first(question, second):
    assert analyse(question).second_ask is second


@pytest.mark.parametrize("question", ["What is the deadline to apply?", "Quelle est la date limite pour postuler ?"])
def test_a_deadline_is_a_date(question):
    assert analyse(question).kind == "date"


@pytest.mark.parametrize("raw, problem", [("", "empty"), ("   \n\t ", "empty"), (None, "empty"), ("🙂🙂🙂", "no_words"),
                                          ("?!...", "no_words")])
def test_empty_and_wordless_questions(raw, problem):
    assert clean_question(raw)[1] == problem
    assert analyse(raw).problem == problem


def test_very_long_questions_are_cut_at_a_word():
    text, problem = clean_question("How much funding " * 2000)
    assert problem == "truncated"
    assert len(text) <= MAX_QUESTION_CHARS and not text.endswith(" ")


def test_control_characters_are_removed_and_html_or_sql_kept_as_words():
    text, problem = clean_question("What\x00 about\x07 <b>Jasper</b>; DROP TABLE releases;--")
    assert problem is None and "\x00" not in text and "\x07" not in text
    q = analyse("SELECT * FROM releases WHERE 1=1; --")
    assert q.problem is None and q.lang in ("fr", "en")
