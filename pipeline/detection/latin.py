"""A small Latin word list, for the lexicon test: wordfreq and langdetect have no Latin.

Written for Glossa from general knowledge of Latin (no corpus was copied): the most frequent word forms
of Classical, Church and modern (encyclopaedic) Latin, in four frequency bands whose values are rough Zipf
figures (log10 of occurrences per billion words), the scale of wordfreq's lists. It is a ``small`` list in
wordfreq's sense: common words only, so that a rare English word is never claimed by Latin.

Latin inflects heavily and no short list covers it, so :func:`latin_zipf` also gives a low frequency to a
word no list knows when it carries an ending only Latin has (``-orum``, ``-ibus``, ``-avit``, ``-ntur``...)
or the enclitic ``-que`` on a listed word (``senatus populusque``).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["LATIN_BANDS", "latin_table", "latin_zipf"]

#: (Zipf value, words). A word in several bands keeps its first (highest) value.
LATIN_BANDS: tuple[tuple[float, str], ...] = (
    (
        7.4,
        """et in est non ad cum quod ut qui quae sed de ex per sunt esse etiam enim autem""",
    ),
    (
        6.5,
        """a ab e se hoc eius quam si nec neque atque ac vel aut iam tamen erat fuit sua suo suis suam suum
        ille illa illud ipse ipsa ipsum hic haec huius his eum eam eo ea eorum earum id ita sic tum tunc nunc
        ubi inter post ante apud pro sub super contra sine propter ob quoque vero igitur ergo nam quia
        quoniam dum cui cuius quem quibus quo qua quas quos omnis omnes omnia omnibus magis modo""",
    ),
    (
        5.8,
        """primum primus prima unus una unum duo duae tres annus anno annos annis annorum erant fuerunt potest
        possunt esset essent sit sint fuisse habet habuit habent factus facta factum fit fiunt dicitur
        dicuntur vocatur vocantur appellatur appellantur natus nata mortuus mortua urbs urbe urbis urbem
        rex regis regem rege reges regum deus dei deo deum dominus domini domino ecclesia ecclesiae
        episcopus episcopi populi populus populo res rei rem rerum rebus tempore tempus temporis nomine
        nomen nominis loco locus loci parte partes partem pars bellum belli bello terra terrae terram orbis
        mundi mundo vita vitae vitam homo hominis homines hominum nos vos ego tu mihi tibi nobis vobis me te
        sibi eos eas iis illo illi illis illius ipso ipsi ipsius idem eadem eiusdem alius alia aliud alii
        aliis aliorum multi multa multis multum magnus magna magnum maior maxime maximus minor tam tantum
        quidem semper saepe numquam nihil nulla nullus nisi sicut velut quasi donec antequam postquam
        simul adhuc deinde inde unde usque circa prope iuxta trans supra infra extra intra ultra versus
        secundum sive seu an ne quidam quaedam quoddam quisque quis quid quomodo cur quare utrum""",
    ),
    (
        5.0,
        """civitas civitatis civitate civitatem oppidum oppidi oppido regio regionis regione regionem
        provincia provinciae provinciam insula insulae flumen fluminis mons montis montes vicus pagus
        familia familiae filius filii filio filium filia filiae pater patris patrem mater matris matrem
        frater fratris uxor uxorem liber libri libro librum libros libris lingua linguae linguam linguis
        verbum verba verbis opus opera operis numerus numero ordo ordinis imperium imperii imperio imperator
        imperatoris consul consules senatus exercitus proelium pax pacis lex legis leges legibus ius iuris
        gens gentis gentes natio nationis publica publicae publicus publico romanus romana romanum romani
        romanorum romae roma graecus graeca graece latine latina latinus latinae latinum christus christi
        christiana christianus sanctus sancta sancti sanctum sancto sanctae papa papae pontifex pontificis
        saeculo saeculi saeculum aetas aetate aetatis dies diem diebus die hora horas nox noctis noctem
        caelum caeli aqua aquae aquam ignis mare maris maria via viae viam domus domum domo porta portus
        templum templi corpus corporis caput capitis manus manum animus animo anima animae mens mentis
        cor cordis oculi oculos vox vocem vocis verum vera veritas veritatis virtus virtutis gloria
        gloriae fides fidei spes caritas amor amoris honor honoris bonus bona bonum boni bonis malus mala
        malum novus nova novum novo novae novi antiquus antiqua vetus veteris longus longa brevis
        omnium totus tota totum toto totius solus sola solum medius media medio summus summa altus alta
        gravis facilis difficilis fortis liberi liberos dux ducis duces miles militis milites hostis
        hostes hostium victoria victoriam arma armis castra bellica civis cives civium rei publicae
        scientia scientiae ars artis artes historia historiae poeta poetae poema carmen carmina fabula
        opus opera vir viri viro virum femina feminae puer pueri puella amicus amici locum locis terris
        facere fecit fecerunt faciunt facit dicere dixit dixerunt dicit dicunt videre vidit videtur
        videntur venit venerunt ire iit ivit dare dedit dat accepit capere cepit posse poterat poterant
        debet debent vult volunt voluit scripsit scripsit scribere legit legere vixit vivere obiit
        natus est nati sunt condita conditus condidit aedificata aedificatum constructa incipit
        coepit coeperunt tenet tenuit pervenit rediit mansit misit petiit quaerit quaesivit iussit
        vocavit vocata vocatus dictus dicta dictum appellata appellatus nominatus nominata creatus
        creata electus electa factae facti positum posita situm sita sitam situs iacet iacent
        habitant habitat incolae incolarum vivit moritur mortuus est mortem mors mortis
        ecclesiam ecclesiis episcopo episcopum episcoporum monasterium monasterii abbas abbatia
        universitas universitatis universitate schola scholae collegium collegii academia
        academiae societas societatis societatem doctrina doctrinae studium studia studiis
        magister magistri discipulus discipuli professor rector praeses praefectus
        unum duobus tribus quattuor quinque sex septem octo novem decem centum mille milia milibus
        secundus secunda tertius tertia quartus quarta ultimus ultima primo primis primae
        magni magnae magno magnam maiores maiorum minores optimus optima pessimus melior peior
        natura naturae naturam causa causae causam modo modum modus ratio rationis rationem
        forma formam formae genus generis species speciei pars partibus numerum numeri
        principio principium initio finis fine finem medio exitu posuit proposuit
        constituit statuit instituit docuit tenuit regit regnavit regnat regens regentes
        gessit egit duxit vicit cecidit occidit interfecit accepit recepit reliquit""",
    ),
    (
        4.3,
        """quorum quarum quibusdam quodam cuiusdam cuique quemque utique etenim namque itaque proinde
        tandem denique demum statim mox iterum rursus olim quondam hodie heri cras ibi illic hinc huc
        illuc eodem aliquando interdum plerumque fere paene tantum tamquam quemadmodum quatenus
        quamvis quamquam licet etsi tametsi nonne num numquid utinam ecce heu vae o
        patria patriae patriam mori moriuntur dulce decorum decora pulcher pulchra pulchrum
        nobilis nobiles ingens ingentem celeber celebris clarus clara illustris
        sermo sermonem epistula epistulae litterae litteras litterarum scriptor scriptores auctor
        auctoris auctores legatus legati rex regina reginae princeps principis principes comes
        comitis dux ducatus regnum regni regno regna imperatrix consulatus tribunus praetor
        quaestor censor dictator senator senatores plebs plebis patricii equites equitum
        urbes urbium oppida vici insulis montibus fluminibus maribus terrarum regionibus
        geographia mathematica physica philosophia theologia medicina musica grammatica
        iurisprudentia oeconomia politica biologia chemia astronomia
        homines hominibus gentibus populis populorum nationes nationum civitates civitatibus
        septentrionalis meridionalis orientalis occidentalis septentrionem meridiem orientem
        occidentem sita situm metropolis caput capitale incolis incolae
        anni annum mensis mense menses mensibus diebus horis saeculis aetatem tempora temporibus
        annum novum kalendis nonis idibus ianuarii februarii martii aprilis maii iunii iulii
        augusti septembris octobris novembris decembris""",
    ),
)

#: Endings only Latin gives its words, for words no list knows (longest first).
LATIN_ENDINGS = (
    "averunt", "iverunt", "uerunt", "erunt", "abantur", "ebantur", "antur", "untur", "entur", "intur",
    "abant", "ebant", "abat", "ebat", "avit", "ivit", "evit", "atur", "itur", "etur", "orum", "arum",
    "ibus", "ationis", "itatis", "itatem", "ionem", "issimus", "issima", "issimum", "andum", "endum",
    "andi", "endi", "ensis", "ensium", "uit", "ntibus", "orem",
)  # fmt: skip
ENDING_ZIPF = 3.0
MIN_ENDING_WORD = 5


@lru_cache(maxsize=1)
def latin_table() -> dict[str, int]:
    """The list as word -> Zipf x 10 (the layout :class:`~pipeline.detection.lexicon.Lexicon` keeps)."""
    table: dict[str, int] = {}
    for zipf, words in LATIN_BANDS:
        for word in words.split():
            table.setdefault(word, round(zipf * 10))
    return table


def latin_zipf(word: str, listed: int) -> int:
    """Zipf x 10 of a casefolded ``word`` in Latin, given what the list says (``listed``, 0 if absent).

    >>> latin_zipf("populusque", 0), latin_zipf("legionibus", 0), latin_zipf("table", 0)
    (48, 30, 0)
    """
    if listed:
        return listed
    if word.endswith("que") and len(word) > 5:
        stem = latin_table().get(word[:-3], 0)
        if stem:
            return stem - 10
    if len(word) >= MIN_ENDING_WORD and word.endswith(LATIN_ENDINGS):
        return round(ENDING_ZIPF * 10)
    return 0
