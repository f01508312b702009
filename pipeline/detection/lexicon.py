"""Word-frequency evidence: is this word more at home in the expected language or in another one?

Backed by wordfreq's offline lists (their files, read on first use). The expected language uses its ``large``
list when one exists (so rare but genuine words of the document's own language are recognised); the other
languages use their ``small`` lists (common words only, so an uncommon English word is not claimed by some
other language).
"""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from pipeline.detection.latin import latin_table, latin_zipf
from pipeline.detection.scripts import language_script

#: The most words a per-word cache of the detector keeps before it starts afresh (the lexicon's, the
#: finder's evidence and bounds, the cheap path's; they read it here, so one name sets them all). Real news
#: fills about 50,000 in 9.5 MB; fed 2.5 million new words, a worker's caches held 665-744 MB at the former
#: 500,000 and 124 MB at this limit (bench/scale/caches.py).
WORD_CACHE_LIMIT = 100_000

__all__ = [
    "CANDIDATES",
    "LOAN_PHRASES",
    "Lexicon",
    "alphabet_allows",
    "group_lexicon",
    "lexicon_for",
    "single_lexicon",
]

# Languages the lexicon test knows, by script group. Every one has a wordfreq list, except Latin (la), whose
# list is Glossa's own (:mod:`pipeline.detection.latin`).
CANDIDATES: dict[str, tuple[str, ...]] = {
    "Latin": (
        "en", "de", "es", "fr", "it", "nl", "pt", "pl", "cs", "sv", "tr",
        "da", "nb", "fi", "hu", "ro", "ca", "id", "sk", "sl", "la",
    ),
    "Cyrillic": ("ru", "uk", "bg", "mk"),
}  # fmt: skip

_TENTHS = tuple(i / 10 for i in range(128))  # Zipf x 10 -> Zipf, one shared float object per value
_ELIDING = frozenset(("fr", "it", "ca"))
_CLITICS = frozenset(("s", "t", "re", "ve", "ll", "d", "m"))

# Non-ASCII letters each Latin-script language uses (lower case).
_ALPHABETS = {
    "en": "éèêëïñçöüåáóíúàâôîûæœ",
    "de": "äöüßéè",
    "es": "áéíóúñüç",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "it": "àèéìíîòóùú",
    "nl": "éëïöüèáóàçê",
    "pt": "áâãàçéêíóôõúü",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sv": "åäöéü",
    "tr": "çğıöşüâîûýðþ",  # ý ð þ: Turkish read as windows-1252, common in scraped pages
    "da": "æøåéü",
    "nb": "æøåéèêóôò",
    "fi": "äöåšž",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșşțţ",
    "ca": "àçèéíïòóúü·",
    "id": "é",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "sl": "čšžćđ",
    "la": "æœāēīōūȳăĕĭŏŭëï",  # ligatures, macrons and breves of editions, diaeresis (poëta, aër)
    "ru": "",
    "uk": "",
    "bg": "",
    "mk": "",
}

# Phrases English has borrowed: never foreign in an English document.
LOAN_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "de facto",
        "de jure",
        "déjà vu",
        "deja vu",
        "status quo",
        "détente",
        "detente",
        "per se",
        "ad hoc",
        "ad nauseam",
        "ad infinitum",
        "bona fide",
        "bona fides",
        "coup d'état",
        "coup d’état",
        "coup d'etat",
        "coup de grâce",
        "vice versa",
        "et al",
        "et cetera",
        "naïve",
        "naïveté",
        "café",
        "résumé",
        "fiancé",
        "fiancée",
        "kindergarten",
        "zeitgeist",
        "angst",
        "wanderlust",
        "schadenfreude",
        "doppelgänger",
        "realpolitik",
        "blitzkrieg",
        "kitsch",
        "wunderkind",
        "gesundheit",
        "über",
        "raison d'être",
        "fait accompli",
        "tête-à-tête",
        "vis-à-vis",
        "laissez-faire",
        "joie de vivre",
        "je ne sais quoi",
        "savoir-faire",
        "carte blanche",
        "en route",
        "en masse",
        "femme fatale",
        "faux pas",
        "bon appétit",
        "bon voyage",
        "c'est la vie",
        "avant-garde",
        "cliché",
        "rendezvous",
        "rendez-vous",
        "genre",
        "à la carte",
        "à la",
        "hors d'oeuvre",
        "hors d'œuvre",
        "nouveau riche",
        "par excellence",
        "pièce de résistance",
        "force majeure",
        "alma mater",
        "alter ego",
        "carpe diem",
        "curriculum vitae",
        "habeas corpus",
        "in situ",
        "in vitro",
        "in vivo",
        "ipso facto",
        "magnum opus",
        "modus operandi",
        "mea culpa",
        "non sequitur",
        "persona non grata",
        "post mortem",
        "pro bono",
        "pro rata",
        "quid pro quo",
        "sine qua non",
        "terra incognita",
        "vox populi",
        "circa",
        "via",
        "versus",
        "prima facie",
        "ex officio",
        "ex post facto",
        "mutatis mutandis",
        "inter alia",
        "sui generis",
        "tabula rasa",
        "a priori",
        "a posteriori",
        "fiesta",
        "siesta",
        "aficionado",
        "mañana",
        "piñata",
        "jalapeño",
        "señor",
        "señora",
        "glasnost",
        "perestroika",
        "sputnik",
        "dacha",
        "troika",
        "intelligentsia",
        "apparatchik",
        "samizdat",
        "gulag",
        "tsunami",
        "karaoke",
        "sushi",
        "tofu",
        "emoji",
        "mensch",
        "chutzpah",
        "spiel",
        "kaput",
        "verboten",
        "über alles",
        "cause célèbre",
        "crème de la crème",
        "objet d'art",
        "pas de deux",
        "pied-à-terre",
        "protégé",
        "décor",
        "débâcle",
        "début",
        "élan",
        "élite",
        "entrée",
        "façade",
        "soirée",
        "touché",
        "née",
        "exposé",
        "passé",
        "risqué",
        "attaché",
        "communiqué",
        # Dictionary loan phrases (an English dictionary lists them: English, whatever their origin), the
        # decision being consistent: what Merriam-Webster or the OED list is never stray.
        "bon mot",
        "bon mots",
        "bons mots",
        "ne plus ultra",
        "nom de plume",
        "nom de guerre",
        "cri de coeur",
        "cri de cœur",
        "cris de coeur",
        "raison d'etre",
        "tableau vivant",
        "tableaux vivants",
        "papier-mâché",
        "papier-mache",
        "papier mache",
        "milieu",
        "chargé d'affaires",
        "charge d'affaires",
        "enfant terrible",
        "fin de siècle",
        "fin de siecle",
        "belle époque",
        "bête noire",
        "bete noire",
        "billet-doux",
        "coup de théâtre",
        "coup de main",
        "de rigueur",
        "de trop",
        "éminence grise",
        "eminence grise",
        "esprit de corps",
        "haute couture",
        "haute cuisine",
        "idée fixe",
        "idee fixe",
        "mot juste",
        "le mot juste",
        "noblesse oblige",
        "nouvelle vague",
        "objet trouvé",
        "pied à terre",
        "prix fixe",
        "raconteur",
        "sang-froid",
        "sang froid",
        "savoir vivre",
        "succès de scandale",
        "tour de force",
        "trompe l'oeil",
        "trompe-l'œil",
        "amour propre",
        "amour-propre",
        "amuse-bouche",
        "à propos",
        "au contraire",
        "au courant",
        "au fait",
        "au naturel",
        "au pair",
        "au revoir",
        "avant la lettre",
        "belles-lettres",
        "bon vivant",
        "bon ton",
        "carte de visite",
        "comme il faut",
        "cordon sanitaire",
        "crème brûlée",
        "creme brulee",
        "cul-de-sac",
        "démodé",
        "dernier cri",
        "en bloc",
        "en famille",
        "en passant",
        "en suite",
        "ennui",
        "entente cordiale",
        "film noir",
        "force de frappe",
        "grand prix",
        "hors de combat",
        "idée reçue",
        "lèse-majesté",
        "lese majeste",
        "mise en scène",
        "mise en place",
        "nouvelle cuisine",
        "par avion",
        "pis aller",
        "plat du jour",
        "pot-pourri",
        "prêt-à-porter",
        "raison d'état",
        "soupçon",
        "tant pis",
        "tout de suite",
        "tout court",
        "vive la différence",
        "voilà",
        "en vogue",
        "agent provocateur",
        "agents provocateurs",
        "deus ex machina",
        "casus belli",
        "ad hominem",
        "ad lib",
        "ad libitum",
        "ad valorem",
        "annus horribilis",
        "annus mirabilis",
        "ante bellum",
        "caveat emptor",
        "compos mentis",
        "non compos mentis",
        "corpus delicti",
        "cui bono",
        "dramatis personae",
        "ex cathedra",
        "ex nihilo",
        "ex parte",
        "in absentia",
        "in extremis",
        "in flagrante",
        "in flagrante delicto",
        "in loco parentis",
        "in memoriam",
        "in toto",
        "lingua franca",
        "magna carta",
        "modus vivendi",
        "nolo contendere",
        "obiter dictum",
        "pari passu",
        "pax americana",
        "per annum",
        "per capita",
        "per diem",
        "persona grata",
        "post hoc",
        "post hoc ergo propter hoc",
        "pro forma",
        "pro tem",
        "pro tempore",
        "reductio ad absurdum",
        "res judicata",
        "sine die",
        "status quo ante",
        "stare decisis",
        "sub judice",
        "sub rosa",
        "summa cum laude",
        "magna cum laude",
        "cum laude",
        "terra firma",
        "ultra vires",
        "vade mecum",
        "viva voce",
        "amicus curiae",
        "mens rea",
        "actus reus",
        "de minimis",
        "de novo",
        "en banc",
        "voir dire",
        "rara avis",
        "urbi et orbi",
        "ex ante",
        "ex post",
        "hoi polloi",
        "quo vadis",
        "ad absurdum",
        "anno domini",
        "homo sapiens",
        "magnum opus",
        "mea maxima culpa",
        "opus dei",
        "sotto voce",
        "al fresco",
        "al dente",
        "a cappella",
        "dolce vita",
        "la dolce vita",
        "prima donna",
        "chiaroscuro",
        "imbroglio",
        "paparazzi",
        "vendetta",
        "omertà",
        "bravura",
        "sprezzatura",
        "consigliere",
        "capo di tutti capi",
        "mano a mano",
        "machismo",
        "junta",
        "caudillo",
        "conquistador",
        "conquistadores",
        "guerrilla",
        "hombre",
        "amigo",
        "amigos",
        "barrio",
        "bodega",
        "adios",
        "hasta la vista",
        "compadre",
        "gringo",
        "gringos",
        "cojones",
        "vaya con dios",
        "gemütlichkeit",
        "lebensraum",
        "ersatz",
        "weltanschauung",
        "weltschmerz",
        "sturm und drang",
        "gestalt",
        "leitmotif",
        "kaffeeklatsch",
        "kulturkampf",
        "götterdämmerung",
        "übermensch",
        "putsch",
        "diktat",
        "ostpolitik",
        "wirtschaftswunder",
        "mittelstand",
        "schmooze",
        "schlep",
        "kvetch",
        "mazel tov",
        "oy vey",
        "meshugga",
        "meshuggeneh",
        "shtick",
        "schtick",
        "klutz",
        "bupkis",
        "kibitz",
        "tchotchke",
        "tchotchkes",
        "schmuck",
        "shiksa",
        "goy",
        "goyim",
        "chutzpa",
        "nebbish",
        "schlemiel",
        # Latin phrases an English dictionary lists, which the Latin word list would otherwise claim.
        "tu quoque",
        "honoris causa",
        "primus inter pares",
        "in camera",
        "ex gratia",
        "pro se",
        "terra nullius",
        "lapsus linguae",
        "requiescat in pace",
        "nihil obstat",
        "ex libris",
        "nota bene",
        "post scriptum",
        "ante meridiem",
        "post meridiem",
        "rigor mortis",
        "delirium tremens",
        "in utero",
        "in silico",
        "inter se",
        "de profundis",
        "ecce homo",
        "agnus dei",
        "dies irae",
        "te deum",
        "ave maria",
        "pater noster",
        "corpus christi",
        "stabat mater",
        "sub specie aeternitatis",
        "ad majorem dei gloriam",
        "ad nauseum",
        "in perpetuum",
        "in perpetuity",
        "ad interim",
        "pro tanto",
        "ab initio",
        "de gustibus",
        "deo volente",
        "dominus vobiscum",
        "habemus papam",
        "in pectore",
        "motu proprio",
        "sede vacante",
        "cetera",
        "et seq",
        "ibid",
        "ibidem",
        "op cit",
        "loc cit",
        "passim",
        "viz",
        "sic",  # the editor's [sic]
        # English dialect, interjections and spoken forms the word lists spell differently.
        "y'all",
        "ya'll",
        "yall",
        "all y'all",
        "ma'am",
        "tut tut",
        "tut-tut",
        "ain't",
        "gonna",
        "wanna",
        "gotta",
        "dunno",
        "howdy",
        "innit",
        "y'know",
        "ol'",
        "lil'",
        "c'mon",
        "fixin'",
        "yinz",
        "youse",
    ),
}


def alphabet_allows(language: str, word: str) -> bool | None:
    """Whether every non-ASCII letter of ``word`` belongs to ``language``'s alphabet (None: all ASCII).

    >>> alphabet_allows("de", "straße"), alphabet_allows("es", "straße"), alphabet_allows("fr", "table")
    (True, False, None)
    """
    extra = [c for c in word if ord(c) > 127 and c.isalpha()]
    if not extra:
        return None
    allowed = _ALPHABETS.get(language)
    if allowed is None:
        return True
    return all(c in allowed for c in extra)


class Lexicon:
    """Zipf frequencies (log10 of occurrences per billion words) of words in several languages.

    Args:
        expected: the document's language (index 0 of every frequency tuple).
        others: the other languages, in the order of the remaining tuple entries.
        large: use the expected language's ``large`` list where wordfreq has one.
    """

    def __init__(self, expected: str, others: Sequence[str], *, large: bool = True) -> None:
        self.large = large
        self.expected = expected
        self.others = tuple(o for o in others if o != expected)
        self.languages = (expected, *self.others)
        self._latin = self.languages.index("la") if "la" in self.languages else None
        self._dicts: list[dict[str, int]] | None = None
        self._cache: dict[str, tuple[float, ...]] = {}
        # Most words share their tuple with others (English-only words, words no list knows): one object
        # each, and floats from _TENTHS, keep the cache at a third of its size (36 MB on 9.5 MB of news).
        self._shared: dict[tuple[float, ...], tuple[float, ...]] = {}

    def _load(self) -> list[dict[str, int]]:
        """Each language's table, shared with the other lexicons that use the same list (:func:`_table`)."""
        if self._dicts is None:
            self._dicts = [_table(lang, big=self.large and i == 0) for i, lang in enumerate(self.languages)]
        return self._dicts

    def has_expected(self) -> bool:
        """Whether wordfreq has a list for the expected language (loads the lists)."""
        return bool(self._load()[0])

    def zipf(self, word: str, *, keep: bool = True) -> tuple[float, ...]:
        """Return the word's Zipf frequency in every language of :attr:`languages` (0.0: not listed).

        The word is casefolded; a hyphenated word (or, in French, Italian and Catalan, an elided one like
        ``d'un``) that is not listed whole gets the smallest frequency of its parts (the way wordfreq scores
        multi-token phrases). ``keep=False``: not cached (the caller keeps what it derives from it).
        """
        key = word.casefold().replace("\u2019", "'")
        found = self._cache.get(key)
        if found is not None:
            return found
        dicts = self._load()
        plain = [table.get(key, 0) for table in dicts]
        if self._latin is not None:
            plain[self._latin] = latin_zipf(key, plain[self._latin])
        if "-" in key or "'" in key:
            self._parts(key, plain, dicts)
        tenths, top = _TENTHS, len(_TENTHS)
        values = [tenths[z] if 0 <= z < top else z / 10 for z in plain]
        return self._store(key, values, keep)

    def _parts(self, key: str, plain: list[int], dicts: list[dict[str, int]]) -> None:
        """Give each language whose list lacks the hyphenated or elided ``key`` the smallest Zipf x 10 of
        its parts, in place (:meth:`zipf`)."""
        hyphen = [p for p in key.split("-") if p] if "-" in key else []
        elided: list[str] = []
        if "'" in key:
            head, _, tail = key.partition("'")
            if tail in _CLITICS:
                hyphen = [head]  # English possessives and contractions: application's -> application
            elif len(head) <= 5 and tail:
                elided = [head, *(p for p in tail.replace("-", "'").split("'") if p)]
        if len(hyphen) < 2 and len(elided) < 2:
            return
        for i, zipf10 in enumerate(plain):
            # wordfreq splits elisions (d'un -> d, un) in the languages that have them; English keeps
            # contractions whole, so an unlisted apostrophe word is simply unknown there.
            parts = elided if (elided and self.languages[i] in _ELIDING) else hyphen
            if zipf10 <= 0 and len(parts) > 1:
                table = dicts[i]
                plain[i] = min([table.get(p, 0) for p in parts])

    def extremes(self, key: str) -> tuple[float, float, bool, bool]:
        """``(zipf[0], max(zipf[1:]), min(zipf[1:]) <= 0, any(zipf))`` of :meth:`zipf` for a casefolded
        ``key`` with no ``-`` or ``'``, bit for bit, without building the tuple or caching it (at least one
        other language; the cheap path's bound, :meth:`~pipeline.detection.stray.StrayFinder._top_evidence`).

        Zipf x 10 -> Zipf is increasing, so the largest of the tenths is the tenth of the largest.
        """
        plain = [table.get(key, 0) for table in self._load()]
        if self._latin is not None:
            plain[self._latin] = latin_zipf(key, plain[self._latin])
        first = plain[0]
        del plain[0]
        top = max(plain)
        tenths, size = _TENTHS, len(_TENTHS)
        return (
            tenths[first] if 0 <= first < size else first / 10,
            tenths[top] if 0 <= top < size else top / 10,
            min(plain) <= 0,
            first != 0 or any(plain),
        )

    def _store(self, key: str, values: list[float], keep: bool) -> tuple[float, ...]:
        if not keep:  # the caller keeps what it derives: nothing of it stays here (it did, unbounded)
            return tuple(values)
        result = self._shared.setdefault(tuple(values), tuple(values))
        if len(self._cache) > WORD_CACHE_LIMIT:
            self._cache.clear()
            self._shared.clear()
        self._cache[key] = result
        return result


@lru_cache(maxsize=1)
def _word_lists() -> dict[tuple[str, str], Path]:
    """wordfreq's list files by (list, language): ``small_en.msgpack.gz`` is ``("small", "en")``.

    Found through the package's import spec, which does not run it: importing wordfreq costs every command
    that audits 0.05-0.08 s (langcodes' tables, ftfy), and the lexicon reads only its data files.
    """
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:  # as importing it would have failed
        raise ModuleNotFoundError("No module named 'wordfreq': reinstall Glossa", name="wordfreq")
    lists: dict[tuple[str, str], Path] = {}
    for folder in spec.submodule_search_locations:
        for path in sorted(Path(folder, "data").glob("*_*.msgpack.gz")):
            if not path.name.startswith("_"):  # _chinese_mapping and the like are not word lists
                name, _, lang = path.name.split(".")[0].partition("_")
                lists.setdefault((name, lang), path)
    return lists


def _read_cbpack(path: Path) -> list[list[str]]:
    """One wordfreq list in its cBpack format: gzipped msgpack, a header, then the words of each centibel
    bin (bin ``i`` holds the words of frequency ``10 ** (-i / 100)``)."""
    import msgpack

    with gzip.open(path, "rb") as handle:
        data = msgpack.load(handle, raw=False)
    header = data[0] if isinstance(data, list) and data else None
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"{path}: not a wordfreq cBpack list (header {header!r})")
    return data[1:]  # type: ignore[no-any-return]


@lru_cache(maxsize=64)
def _table(lang: str, *, big: bool) -> dict[str, int]:
    """Read one list once, straight from its file, as word -> Zipf x 10 (small shared ints).

    ``big``: the ``large`` list where wordfreq has one. Cached per (language, list), so the document
    lexicon and the script-group lexicons share their ``small`` tables (each one is 1-5 MB; a second copy
    of the 20 Latin-script lists cost 80 MB). This bypasses wordfreq's own caches, which keep both the raw
    bins and a float dictionary.
    """
    if lang == "la":  # no wordfreq list: Glossa's own (pipeline/detection/latin.py)
        return latin_table()
    lists = _word_lists()
    if ("small", lang) not in lists:
        return {}
    large = lists.get(("large", lang)) if big else None
    path = large or lists[("small", lang)]
    table: dict[str, int] = {}
    for centibels, words in enumerate(_read_cbpack(path)):
        zipf10 = round((900 - centibels) / 10)
        for word in words:
            table.setdefault(word, zipf10)
    return table


@lru_cache(maxsize=8)
def lexicon_for(expected: str) -> Lexicon:
    """Return the shared lexicon for documents expected in ``expected`` (its script's candidate languages)."""
    group = language_script(expected)
    others = CANDIDATES.get(group, ())
    return Lexicon(expected, [o for o in others if o != expected])


@lru_cache(maxsize=4)
def group_lexicon(group: str) -> Lexicon:
    """Return the shared lexicon (``small`` lists only) that tells apart the languages of one script group."""
    languages = CANDIDATES.get(group, ())
    return Lexicon(languages[0] if languages else "", languages[1:], large=False)


@lru_cache(maxsize=4)
def single_lexicon(language: str) -> Lexicon:
    """Return the shared one-language lexicon (``small`` list) of ``language``."""
    return Lexicon(language, (), large=False)
