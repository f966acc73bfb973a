"""French ↔ English equivalents of the words announcements are written in, for matching a question
with a sentence in the other language.

Word overlap across languages sees only names, numbers and cognates (« investissement » /
"investment"); the words that carry most questions are not cognates: « emplois » / "jobs",
« entreprise » / "company", « places » / "spaces", « écloserie » / "hatchery". The sentence
embedder reads meaning but is weak at sentence level (re-ranking by its cosine with a larger
weight lowered fact coverage in every class on the dev split). So the general vocabulary of
government releases (programmes, money, people, places, health, housing, transport, the
environment, ceremonies, the verbs of announcing) is written here once, by hand, both ways.

Entries are matched on the assistant's stems (`text.stem` of the folded word), so one line covers
a word's plural and most of its inflections. A multi-word side ("killer whale") is a phrase;
only its words' stems are used, each as an alternative of every stem of the other side.
"""
from __future__ import annotations

from functools import lru_cache

from communique.assistant.text import fold, stem, tokenize

# One entry a line: French words = English words (alternatives separated by commas).
_ENTRIES = """
emploi, emplois = job, jobs
travail, travaux, chantier = work, works, construction site
travailleur, travailleurs, travailleuses = worker, workers
entreprise, entreprises, societe, compagnie = business, businesses, company, companies, firm
organisme, organismes, organisation = organization, organizations, organisation
montant, somme = amount, sum
personne, personnes, gens = person, people
place, places = space, spaces, seat, seats, spot, spots
siege, sieges = seat, seats
lit, lits = bed, beds
logement, logements, habitation = housing, home, homes, unit, units, dwelling
maison, maisons = house, houses, home, homes
loyer, loyers = rent, rents
locataire, locataires = tenant, tenants, renter
proprietaire, proprietaires = owner, owners, landlord, landlords
ecole, ecoles = school, schools
eleve, eleves = student, students, pupil, pupils
etudiant, etudiants, etudiantes = student, students
enseignant, enseignants = teacher, teachers
sante = health
soins = care
hopital, hopitaux = hospital, hospitals
medecin, medecins = doctor, doctors, physician, physicians
infirmier, infirmiere, infirmieres = nurse, nurses
aines, personnes agees = seniors, older
enfant, enfants = child, children, kids
famille, familles = family, families
femme, femmes = woman, women
fille, filles = girl, girls
homme, hommes = man, men
autochtone, autochtones = indigenous, aboriginal
collectivite, collectivites, communaute, communautes = community, communities
ville, villes, municipalite = city, cities, town, municipality
pays = country, countries, nation
monde, mondial, mondiale = world, global, worldwide
route, routes, autoroute = road, roads, highway
pont, ponts = bridge, bridges
chemin de fer, ferroviaire = rail, railway
eau, eaux = water, waters
dechets = waste
foret, forets, forestier = forest, forests, forestry
incendie, incendies, feux de foret = fire, fires, wildfire, wildfires
inondation, inondations = flood, floods, flooding
secheresse = drought
peche, pecheurs = fishing, fishery, fisheries, fishers, harvesters
poisson, poissons = fish
ecloserie, ecloseries = hatchery, hatcheries
agriculteur, agriculteurs = farmer, farmers
ferme, fermes = farm, farms
recolte, recoltes = harvest, crop, crops
aliment, aliments, alimentaire, nourriture = food
prix = price, prices, prize, award
cout, couts = cost, costs
taxe, impot, impots = tax, taxes
taux = rate, rates
cotisation, cotisations = premium, premiums, contribution, contributions
prime, primes = premium, bonus
prestation, prestations = benefit, benefits
subvention, subventions = grant, grants
financement = funding, financing
fonds = fund, funds, funding
pret, prets = loan, loans
dette = debt
depenses = spending, expenses, expenditures
revenu, revenus = income, revenue
economie = economy
croissance = growth
chomage = unemployment
salaire, salaires = wage, wages, salary, pay
formation = training
competences = skills
recherche = research
chercheur, chercheurs = researcher, researchers
petite, petites, petit = small
grand, grande, grands = large, big, major
nouveau, nouvelle, nouvelles, nouveaux = new
premier, premiere = first
dernier, derniere = last, latest
annee, annees, ans = year, years
mois = month, months
semaine, semaines = week, weeks
jour, jours, journee = day, days
heure, heures = hour, hours
aujourd'hui = today
depuis = since
pendant, durant = during
ministre = minister
depute, deputee, deputes = mp, member of parliament
premier ministre = prime minister, premier
drapeau, drapeaux = flag, flags
berne = half-mast, half-masting
funerailles, obseques = funeral
deces, mort, decede, decedee = death, died, passed away
anniversaire = anniversary
guerre = war
soldat, soldats = soldier, soldiers
anciens combattants, veterans = veterans
militaire, militaires = military
paix = peace
maintien de la paix, casques bleus = peacekeeping, peacekeepers
securite = security, safety
frontiere = border
refugies = refugees
citoyennete = citizenship
langue, langues = language, languages
patrimoine = heritage
musee = museum
jeux = games
benevole, benevoles = volunteer, volunteers
vaccin, vaccins, vaccination = vaccine, vaccines, vaccination
cas = case, cases
masque, masques = mask, masks
depistage = testing, screening
pandemie = pandemic
eclosion = outbreak
energie = energy
propre = clean
climat, climatique, climatiques = climate
espece, especes = species
baleine, baleines = whale, whales
epaulard, epaulards = killer whale, orca
parc, parcs = park, parks
terre, terres = land, lands
cote, cotes, cotier = coast, coastal
nord = north, northern
sud = south, southern
ouest = west, western
rural, rurale, rurales = rural
transport en commun = transit, public transit
autobus = bus, buses
velo = bike, cycling
aeroport = airport
avion, avions, aeronef = aircraft, plane, planes
navire, navires = ship, ships, vessel, vessels
brise-glace = icebreaker
batiment, immeuble, edifice = building, buildings
renovation, remise a neuf = renovation, refurbishment, upgrade, upgrades
reparation, reparations = repair, repairs
agrandissement = expansion
usine = plant, factory
installation, installations = facility, facilities
outil, outils = tool, tools
numerique = digital
en ligne = online
site web = website
donnees = data
logiciel = software
intelligence artificielle, ia = artificial intelligence, ai
demande, demandes = application, applications, request, requests, claim, claims
demandeur, demandeurs = applicant, applicants
plainte, plaintes = complaint, complaints
reglement, reglementation = regulation, regulations
loi = act, law
projet de loi = bill
accord, entente = agreement, deal
partenaire, partenaires = partner, partners
annonce = announcement, announce
declaration = statement
avis = notice, advisory
discours, allocution = speech, remarks
reunion, rencontre = meeting
sommet = summit
evenement = event
ceremonie = ceremony
groupe de travail = task force, working group
comite = committee
conseil = council, board
strategie = strategy
programme = program, programme
mesure, mesures = measure, measures
objectif, cible = goal, target
rapport = report
enquete = survey, investigation, inquiry
hypotheque = mortgage
acheteur, acheteurs = buyer, buyers
garderie, garderies, garde d'enfants = child care, childcare, daycare
aide-soignant, aides-soignants = health care aide, care aides
sante mentale = mental health
dependances = addictions
itinerance = homelessness
pauvrete = poverty
handicap, handicaps = disability, disabilities
employeur, employeurs = employer, employers
gains = earnings
assurable, assurables = insurable
remboursement = refund, rebate
baisse, diminution, reduction = decrease, reduction, drop, cut
hausse, augmentation = increase, rise
milliard, milliards = billion, billions
environ = about, approximately, around
chaque = each, every
lieu, endroit = place, venue, location
tenu, tenue = held
organise, organisee = organized, hosted
accueillir, accueille = host, hosts, welcome
participant, participants = participant, participants, attendee, attendees
ouverture = opening
fermeture = closure
cloture = closing
lancement = launch
nomme, nommee, nomination = appointed, appointment, named
duree = duration, length
kilometre, kilometres = kilometre, kilometres, km
chambre, chambres = room, rooms
appartement, appartements = apartment, apartments
abordable, abordables = affordable
posseder, possede = own, owns
fondateur, fondatrice = founder
directeur, directrice = director
president, presidente = president, chair
dirigeant principal, chef de la direction = chief executive, ceo
porte-parole = spokesperson
selon = according
souligner = mark, highlight
celebrer = celebrate
honorer = honour, honor
victime, victimes = victim, victims
fusillade = shooting
attentat, attaque = attack
urgence = emergency
evacue, evacues, evacuation = evacuee, evacuees, evacuation
aide = assistance, help, aid
soutien, appui = support
ameliorer, amelioration = improve, improvement
reduire = reduce
creer, creation = create, creation
batir, construire = build, building
achat = purchase
vente = sale, sales
repas = meal, meals
gite touristique, gites touristiques = bed-and-breakfast
exemption, exempte, exemptes = exemption, exempt
obligatoire = mandatory, required
interdiction = ban, prohibition
permis = permit, licence, license
inscription = registration, enrolment
admissible, admissibles, admissibilite = eligible, eligibility
beneficiaire, beneficiaires = recipient, recipients
canadien, canadiens, canadienne, canadiennes = canadian, canadians
coree = korea, korean
chine, chinois = china, chinese
japon, japonais = japan, japanese
inde = india, indian
allemagne, allemand = germany, german
royaume-uni, britannique = united kingdom, uk, britain, british
etats-unis, americain, americains = united states, us, usa, american, americans
mexique = mexico, mexican
russie, russe = russia, russian
italie, italien = italy, italian
espagne = spain, spanish
grece = greece, greek
pologne = poland, polish
pays-bas, neerlandais = netherlands, dutch
belgique = belgium
suisse = switzerland, swiss
irlande = ireland, irish
ecosse = scotland, scottish
angleterre = england, english
bresil = brazil
afrique du sud = south africa
egypte = egypt
israel = israel
liban = lebanon
syrie = syria
turquie = turkey
irak = iraq
haiti = haiti
australie = australia
nouvelle-zelande = new zealand
union europeenne, europe, europeen = european union, europe, european
nations unies, onu = united nations, un
arctique = arctic
atlantique = atlantic
pacifique = pacific
grands lacs = great lakes
saint-laurent = st lawrence, saint lawrence
circonscription = riding, constituency
elgbtqi, 2elgbtqi, lgbtq, lgbtqi = slgbtqi, 2slgbtqi, lgbtq, lgbtqi
argent = money, funds
grappe, grappes, supergrappe = cluster, clusters, supercluster
couvrir, couvre, couvrent = cover, covers
rendu public, publie, publiee = released, published
valoir, vaut, valeur = worth, value
dpi = cio, chief information officer
"""


def _stems(side: str) -> set[str]:
    out: set[str] = set()
    for phrase in side.split(","):
        out |= {stem(t) for t in tokenize(fold(phrase)) if len(t) > 1}
    return out


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in _ENTRIES.strip().splitlines():
        french, english = line.split("=")
        fr, en = _stems(french), _stems(english)
        for source, target in ((fr, en), (en, fr)):
            for s in source:
                table.setdefault(s, set()).update(target - source)
    return {s: frozenset(v) for s, v in table.items() if v}


def equivalents(word_stem: str) -> frozenset[str]:
    """Stems of the other language's words for `word_stem` (empty when the glossary lacks it)."""
    return _table().get(word_stem, frozenset())
