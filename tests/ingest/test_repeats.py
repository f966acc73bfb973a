"""The repeat rule: remove the glued-tail copies a scraper makes, keep every legitimate repeat."""
from communique.ingest.repeats import remove_repeats

P1 = ("ALL IN est l'événement le plus important au Canada. L'édition de 2025 était la plus ambitieuse "
      "à ce jour, puisque plus de 6 000 participants y étaient attendus.")


def test_glued_copy_of_previous_tail_is_cut():
    p2 = ". L'édition de 2025 était la plus ambitieuse à ce jour, puisque plus de 6 000 participants y étaient attendus. Le programme des grappes soutient les investissements."
    assert remove_repeats(f"{P1}\n\n{p2}") == f"{P1}\n\nLe programme des grappes soutient les investissements."


def test_copy_with_dropped_words_is_still_cut():
    p1 = ("Les Instituts nationaux d'IA - Amii (à Edmonton), Mila (à Montréal) et l'Institut Vecteur (à Toronto) "
          "- mettent en œuvre des programmes pour répondre aux besoins des entreprises.")
    p2 = ("), Mila (à Montréal) et l'Institut Vecteur (à ) - mettent en œuvre des programmes pour répondre aux "
          "besoins des entreprises. Le gouvernement a lancé une stratégie en décembre 2024.")
    assert remove_repeats(f"{p1}\n\n{p2}") == f"{p1}\n\nLe gouvernement a lancé une stratégie en décembre 2024."


def test_fragment_copy_standing_alone_is_dropped():
    p2 = "la plus ambitieuse à ce jour, puisque plus de 6 000 participants y étaient attendus."
    assert remove_repeats(f"{P1}\n\n{p2}\n\nSuite.") == f"{P1}\n\n\nSuite."


def test_repeated_list_items_are_kept():
    # Two cases with the same profile are two cases, not a scraping error.
    text = ("An individual aged 60-70, in Zone 1 (southeast), whose case is travel-related.\n"
            "An individual aged 60-70, in Zone 1 (southeast), whose case is travel-related.")
    assert remove_repeats(text) == text


def test_template_sentence_in_each_item_is_kept():
    item = "Based on the public health investigation, there is no evidence of in-school transmission at the school."
    text = f"- Dufferin School on Sept. 28. {item}\n- Kleefeld School on Oct. 1. {item}"
    assert remove_repeats(text) == text


def test_attribution_line_repeating_words_of_the_lead_is_kept():
    lead = ("Cette semaine, la ministre de l'Industrie et ministre responsable de Développement économique Canada "
            "pour les régions du Québec, l'honorable Mélanie Joly, a participé à l'événement.")
    quote = "« Nous investissons dans l'avenir. »"
    attribution = ("- La ministre de l'Industrie et ministre responsable de Développement économique Canada pour les "
                   "régions du Québec, l'honorable Mélanie Joly")
    text = f"{lead}\n\n{quote}\n\n{attribution}"
    assert remove_repeats(text) == text


def test_short_repeats_and_non_sentence_ends_are_kept():
    text = "Visit Canada.ca for details today and tomorrow.\n\nCanada.ca for details today and tomorrow. More."
    assert remove_repeats(text) == text  # 6 words: too short to be sure
    text2 = "The plan covers the whole region of the province now\n\nthe whole region of the province now and more."
    assert remove_repeats(text2) == text2  # the source does not end a sentence


def test_similar_but_different_numbers_are_kept():
    p1 = "Au 30 juin 2025, les grappes avaient annoncé 627 projets estimés à plus de 3,07 milliards de dollars."
    p2 = "Au 30 juin 2025, les grappes avaient annoncé 47 projets estimés à plus de 188,9 millions de dollars."
    assert remove_repeats(f"{p1}\n\n{p2}") == f"{p1}\n\n{p2}"
