"""Demo content, written for this project: a fictional marathon, election night and storm.

Each session is a dict; each post a dict whose `blocks` are tuples:
("p", html) · ("photo", photo key) · ("quote", text, attribution)
· ("embed", url, excerpt) · ("link", "article"|"video", title, url).
`minutes` is the post's time after the session starts.
"""

CREDITS = {
    "clairvue": {"agency": "Clairvue", "photographer": "Léa Moreau"},
    "benali": {"photographer": "Karim Benali"},
    "comite": {"photographer": "Comité d'organisation", "via": "Clairvue"},
    "redaction": {"agency": "Rédaction"},
}

PHOTOS = {
    "depart": (
        "Le peloton élite s'élance sous un ciel dégagé, quai des Deux-Rives.",
        "Des centaines de coureurs en maillots colorés franchissent l'arche de départ.",
        "clairvue",
        ("#87b5e5", "#f2d7a7"),
    ),
    "ravitaillement": (
        "Au 15e kilomètre, les bénévoles tendent gobelets et éponges.",
        "Une table de ravitaillement chargée de gobelets, bénévoles en gilets jaunes.",
        "benali",
        ("#a7c7e7", "#e8e8c8"),
    ),
    "pont": (
        "La traversée du pont suspendu, passage le plus spectaculaire du parcours.",
        "Un pont suspendu vu de loin, couvert de coureurs.",
        "comite",
        ("#6d8fb3", "#c9d6df"),
    ),
    "arrivee": (
        "Amina Diallo franchit la ligne, bras levés.",
        "Une coureuse franchit la ligne d'arrivée, les bras levés, devant la foule.",
        "clairvue",
        ("#f7b267", "#f4845f"),
    ),
    "fauteuil": (
        "Les athlètes en fauteuil, partis dix minutes avant le peloton.",
        "Des athlètes en fauteuil de course roulent sur une avenue.",
        "benali",
        ("#9ad1d4", "#007ea7"),
    ),
    "mairie": (
        "Devant l'hôtel de ville de Valbonne-sur-Mer, les partisans attendent les résultats.",
        "Une place éclairée la nuit, une foule devant un bâtiment public.",
        "redaction",
        ("#1d3557", "#457b9d"),
    ),
    "depouillement": (
        "Le dépouillement au bureau n° 4, école Jules-Ferry.",
        "Des assesseurs comptent des bulletins sur une longue table.",
        "comite",
        ("#2b2d42", "#8d99ae"),
    ),
    "storm": (
        "Waves break over the harbour wall at Port Aline.",
        "Large grey waves crash over a stone harbour wall under dark clouds.",
        "benali",
        ("#4a4e69", "#9a8c98"),
    ),
}

MARATHON_POSTS = [
    {
        "minutes": 0,
        "rubric": "départ",
        "title": "C'est parti pour la 12e édition !",
        "key": True,
        "blocks": [
            (
                "p",
                "Le coup de pistolet a retenti à 7 heures précises. Près de <strong>18 000 coureurs</strong> "
                "s'élancent pour 42,195 km entre les deux rives.",
            ),
            ("photo", "depart"),
        ],
    },
    {
        "minutes": 4,
        "rubric": "handisport",
        "title": "Les fauteuils déjà loin devant",
        "blocks": [
            (
                "p",
                "Partis dix minutes avant le peloton, les athlètes en fauteuil avalent la première "
                "côte à plus de 25 km/h.",
            ),
            ("photo", "fauteuil"),
        ],
    },
    {
        "minutes": 9,
        "rubric": "course élite",
        "title": "Un groupe de tête de onze coureurs",
        "blocks": [
            (
                "p",
                "Au 5e kilomètre, onze hommes se sont détachés. Le rythme est rapide : "
                "<em>2 min 58 s</em> au kilomètre.",
            ),
        ],
    },
    {
        "minutes": 14,
        "rubric": "Circulation",
        "title": "Ponts fermés jusqu'à 14 heures",
        "blocks": [
            ("p", "La préfecture rappelle que trois ponts restent fermés à la circulation :"),
            (
                "p",
                "<ul><li>pont des Tanneurs</li><li>pont Neuf-de-Loire</li><li>passerelle Saint-Clair</li></ul>",
            ),
            (
                "link",
                "article",
                "Tous les itinéraires de déviation",
                "https://example.org/marathon/deviations",
            ),
        ],
    },
    {
        "minutes": 19,
        "rubric": "ambiance",
        "title": "",
        "blocks": [
            (
                "p",
                "Sur la montée de la Croix-Verte, une fanfare de quartier joue pour la troisième année "
                "de suite. Les coureurs applaudissent en passant.",
            ),
        ],
    },
    {
        "minutes": 25,
        "rubric": "course élite",
        "title": "Premier écart chez les femmes",
        "blocks": [
            (
                "p",
                "Amina Diallo accélère au 10e kilomètre et compte déjà quinze secondes d'avance.",
            ),
            (
                "quote",
                "Elle a préparé ce parcours pendant des mois, elle connaît chaque virage.",
                "Paul Girard, son entraîneur",
            ),
        ],
    },
    {
        "minutes": 31,
        "rubric": "ambiance",
        "title": "Le ravitaillement pris d'assaut",
        "blocks": [
            ("photo", "ravitaillement"),
            (
                "p",
                "Huit cents bénévoles tiennent les quatorze points de ravitaillement du parcours.",
            ),
        ],
    },
    {
        "minutes": 38,
        "rubric": "réseaux sociaux",
        "title": "Le passage du pont vu du ciel",
        "blocks": [
            (
                "embed",
                "https://x.com/marathon_deux_rives/status/1850000000000000001",
                "Le pont suspendu, 8 h 05 : le peloton s'étire sur 600 mètres.",
            ),
        ],
    },
    {
        "minutes": 44,
        "rubric": "Sécurité",
        "title": "Un coureur pris en charge au 18e km",
        "blocks": [
            (
                "p",
                "Un participant a été pris en charge par les secours après un malaise. Selon les "
                "organisateurs, il est conscient et a été transporté par précaution.",
            ),
        ],
    },
    {
        "minutes": 50,
        "rubric": "course élite",
        "title": "Mi-course : le groupe de tête explose",
        "key": True,
        "blocks": [
            ("p", "Passage au semi en 1 h 02 min 40 s. Ils ne sont plus que quatre en tête."),
            ("photo", "pont"),
        ],
    },
    {
        "minutes": 57,
        "rubric": "vidéo",
        "title": "Revivez le départ en images",
        "blocks": [
            (
                "embed",
                "https://www.youtube.com/watch?v=marathon2rives",
                "Le départ filmé depuis l'arche.",
            ),
            (
                "link",
                "video",
                "Le départ en 90 secondes",
                "https://example.org/videos/depart-marathon",
            ),
        ],
    },
    {
        "minutes": 63,
        "rubric": "Handisport",
        "title": "Victoire en fauteuil pour Jonas Keller",
        "blocks": [
            ("p", "Jonas Keller boucle le parcours en 1 h 27 min, nouveau record de l'épreuve."),
        ],
    },
    {
        "minutes": 70,
        "rubric": "ambiance",
        "title": "",
        "blocks": [
            (
                "embed",
                "https://bsky.app/profile/deuxrives.example/post/3kabc",
                "« Mon voisin de 74 ans court son vingtième marathon. Respect. »",
            ),
        ],
    },
    {
        "minutes": 78,
        "rubric": "course élite",
        "title": "Diallo seule en tête",
        "blocks": [
            ("p", "Au 30e kilomètre, l'avance d'Amina Diallo atteint une minute et dix secondes."),
        ],
    },
    {
        "minutes": 86,
        "rubric": "réseaux sociaux",
        "title": "Les spectateurs partagent leurs pancartes",
        "blocks": [
            (
                "embed",
                "https://www.instagram.com/p/deuxrives42/",
                "« Cours comme si le Wi-Fi était à l'arrivée »",
            ),
        ],
    },
    {
        "minutes": 95,
        "rubric": "course élite",
        "title": "Sprint à trois chez les hommes",
        "blocks": [
            ("p", "Trois coureurs entrent ensemble sur les quais pour le dernier kilomètre."),
        ],
    },
    {
        "minutes": 104,
        "rubric": "arrivée",
        "title": "Victoire d'Amina Diallo en 2 h 21 min 05 s",
        "key": True,
        "pinned": True,
        "edited_after": 6,
        "blocks": [
            ("photo", "arrivee"),
            (
                "p",
                "Amina Diallo remporte le marathon féminin et bat le record de l'épreuve de "
                "<strong>48 secondes</strong>.",
            ),
            (
                "quote",
                "J'ai pensé à ma mère dans les cinq derniers kilomètres. Ce record est pour elle.",
                "Amina Diallo, à l'arrivée",
            ),
            (
                "link",
                "article",
                "Qui est Amina Diallo, la reine des Deux-Rives ?",
                "https://example.org/portrait-amina-diallo",
            ),
        ],
    },
    {
        "minutes": 112,
        "rubric": "arrivée",
        "title": "Les premiers amateurs franchissent la ligne",
        "blocks": [
            (
                "p",
                "Les premiers coureurs amateurs arrivent sous les applaudissements, en un peu moins de "
                "trois heures.",
            ),
        ],
    },
    {
        "minutes": 120,
        "rubric": "Circulation",
        "title": "Réouverture progressive des ponts",
        "blocks": [
            (
                "p",
                "Le pont des Tanneurs rouvre à la circulation. Les deux autres suivront vers 14 heures.",
            ),
        ],
    },
    {
        "minutes": 128,
        "rubric": "chiffres",
        "title": "La course en chiffres",
        "blocks": [
            (
                "p",
                "<ul><li>17 842 partants</li><li>96 nationalités</li><li>14 ravitaillements</li>"
                "<li>1,2 tonne de bananes</li></ul>",
            ),
        ],
    },
    {
        "minutes": 135,
        "rubric": "ambiance",
        "title": "Une demande en mariage au 40e kilomètre",
        "blocks": [
            (
                "p",
                "Un coureur s'est arrêté devant la tribune pour demander sa compagne en mariage. "
                "Elle a dit oui, il est reparti.",
            ),
        ],
    },
    {
        "minutes": 140,
        "rubric": "sécurité",
        "title": "Message en double, supprimé",
        "status": "deleted",
        "blocks": [("p", "Ce message avait été publié deux fois par erreur.")],
    },
    {
        "minutes": 150,
        "rubric": "arrivée",
        "title": "Brouillon : classement complet",
        "status": "draft",
        "blocks": [("p", "Classement à compléter dès réception des temps officiels.")],
    },
    {
        "minutes": 400,
        "rubric": "chiffres",
        "title": "Bilan de la préfecture",
        "status": "scheduled",
        "blocks": [("p", "Le bilan officiel de la préfecture sera publié à 15 heures.")],
    },
]

ELECTION_POSTS = [
    {
        "minutes": 0,
        "rubric": "Élections municipales",
        "title": "Les bureaux de vote ferment",
        "blocks": [
            (
                "p",
                "Il est 18 heures : les derniers bureaux de Valbonne-sur-Mer viennent de fermer.",
            ),
            ("photo", "mairie"),
        ],
    },
    {
        "minutes": 20,
        "rubric": "élections municipales",
        "title": "Participation : 58 %",
        "key": True,
        "blocks": [("p", "La participation atteint 58 %, six points de plus qu'il y a six ans.")],
    },
    {
        "minutes": 45,
        "rubric": "dépouillement",
        "title": "Le dépouillement commence",
        "blocks": [
            ("photo", "depouillement"),
            ("p", "Dans les 22 bureaux de la ville, les assesseurs ouvrent les urnes."),
        ],
    },
    {
        "minutes": 90,
        "rubric": "Dépouillement",
        "title": "Premiers résultats partiels",
        "blocks": [
            (
                "p",
                "Sur 8 bureaux dépouillés, la liste « Valbonne ensemble » arrive en tête avec 41 %.",
            ),
        ],
    },
    {
        "minutes": 150,
        "rubric": "résultats",
        "title": "Claire Vidal élue maire",
        "key": True,
        "pinned": True,
        "blocks": [
            ("p", "Avec 52,4 % des voix, Claire Vidal remporte le second tour."),
            (
                "quote",
                "Cette victoire est celle de tous les quartiers.",
                "Claire Vidal, devant ses partisans",
            ),
            (
                "link",
                "article",
                "Les résultats bureau par bureau",
                "https://example.org/resultats-valbonne",
            ),
        ],
    },
    {
        "minutes": 200,
        "rubric": "réactions",
        "title": "Le maire sortant reconnaît sa défaite",
        "blocks": [
            ("p", "Dans une courte déclaration, Henri Lacombe a félicité son adversaire."),
        ],
    },
]

STORM_POSTS = [
    {
        "minutes": 0,
        "rubric": "weather",
        "title": "Storm Aline reaches the coast",
        "key": True,
        "blocks": [
            (
                "p",
                "Gusts of 110 km/h were recorded at the Port Aline lighthouse shortly after dawn.",
            ),
            ("photo", "storm"),
        ],
    },
    {
        "minutes": 30,
        "rubric": "transport",
        "title": "Ferries cancelled until tomorrow",
        "blocks": [
            (
                "p",
                "All crossings from Port Aline are cancelled. Passengers can change tickets free of charge.",
            ),
        ],
    },
    {
        "minutes": 55,
        "rubric": "Weather",
        "title": "",
        "blocks": [
            (
                "quote",
                "We have not seen a tide like this in twenty years.",
                "A harbour master, speaking to us",
            ),
        ],
    },
]

# The fictional newsroom the demo shows (Django admin → Newsroom branding to change it).
NEWSROOM = {"name": "La Gazette des Deux-Rives", "colour": "#a4161a", "headline_font": "serif"}

# What editors would write as each live's summary (one point a line).
SUMMARIES = {
    "marathon-des-deux-rives": (
        "Amina Diallo remporte le marathon et bat le record de l'épreuve de 48 secondes.\n"
        "Près de 18 000 coureurs au départ, 96 nationalités représentées.\n"
        "Les ponts rouvrent progressivement à la circulation à partir de 14 heures."
    ),
}

SESSIONS = [
    {
        "slug": "marathon-des-deux-rives",
        "language": "fr",
        "headline": "Marathon des Deux-Rives : Amina Diallo bat le record de l'épreuve",
        "standfirst": (
            "Près de 18 000 coureurs ont pris le départ de la 12e édition du marathon des "
            "Deux-Rives. Suivez la course en direct, du départ du quai jusqu'à la dernière arrivée."
        ),
        "credits": "Rédaction : Jeanne Martin et Hugo Lefèvre, avec Clairvue.",
        "lead": "depart",
        "status": "live",
        "started_hours_ago": 3,
        "posts": MARATHON_POSTS,
    },
    {
        "slug": "soiree-electorale-valbonne",
        "language": "fr",
        "headline": "Municipales à Valbonne-sur-Mer : Claire Vidal élue maire",
        "standfirst": (
            "Second tour des élections municipales à Valbonne-sur-Mer. Résultats, réactions et "
            "ambiance devant l'hôtel de ville, toute la soirée."
        ),
        "credits": "Rédaction : Hugo Lefèvre. Photos : Clairvue.",
        "lead": "mairie",
        "status": "ended",
        "started": "2026-03-22T18:00:00+00:00",
        "ended": "2026-03-22T22:15:00+00:00",
        "posts": ELECTION_POSTS,
    },
    {
        "slug": "storm-aline",
        "language": "en",
        "headline": "Storm Aline hits the coast: ferries cancelled, red warning in force",
        "standfirst": "Storm Aline is crossing the coast today. Follow the latest updates here.",
        "credits": "Reporting: Jeanne Martin.",
        "lead": "storm",
        "status": "live",
        "started_hours_ago": 1,
        "posts": STORM_POSTS,
    },
    {
        "slug": "nuit-des-resultats-regionales",
        "language": "fr",
        "headline": "Nuit des résultats des élections régionales",
        "standfirst": "Le direct commencera à la fermeture des bureaux de vote.",
        "credits": "",
        "lead": None,
        "status": "scheduled",
        "starts_in_hours": 30,
        "posts": [],
    },
]

ACCOUNTS = [
    # username, group, is_staff, is_superuser, first and last name
    ("journaliste", "journalists", False, False, "Jeanne", "Martin"),
    ("editeur", "editors", False, False, "Hugo", "Lefèvre"),
    # A correspondent along the course: his posts wait in the marathon's review queue.
    ("correspondant", "contributors", False, False, "Amadou", "Sy"),
    ("admin", None, True, True, "Admin", "Démo"),
]
DEMO_PASSWORD = "demo-direct-2026"

# What the correspondent sent for review on a live (liveblog.domain.review): the editor
# finds it waiting in the desk's queue.
CONTRIBUTIONS = {
    "marathon-des-deux-rives": [
        {
            "title": "Au ravitaillement du 30e kilomètre",
            "rubric": "ambiance",
            "text": (
                "Les bénévoles du 30e kilomètre ont préparé 12 000 gobelets et autant de "
                "quartiers d'orange. Une fanfare joue sous le pont de la Tannerie ; les "
                "coureurs lèvent la main en passant."
            ),
        },
    ],
}
