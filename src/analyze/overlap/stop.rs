//! The stop words: function words that seeds skip.

use crate::hash::hash_bytes;
use ahash::AHashSet;

/// Common English function words. Seeds skip them: they carry no evidence of reuse and they are
/// the words an editor most often changes.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "it's", "just", "may",
    "me", "more", "most", "my", "no", "not", "of", "on", "one", "only", "or", "other", "our",
    "out", "over", "said", "says", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "to", "up", "us", "very",
    "was", "we", "were", "what", "when", "where", "which", "while", "who", "will", "with", "would",
    "you", "your",
];

/// The commonest function words of Spanish, French, German, Portuguese and Italian, so that two
/// texts in one of them do not share passages of articles and prepositions ("de la … por la …
/// de"). Those that are also English content words are left out (son, era, war, man, pour,
/// sin, hay, han, ante); "die" is kept, German's commonest word. Each language lists only the
/// words that English and the languages before it lack.
const OTHER_STOP_WORDS: [&[&str]; 5] = [
    // Spanish
    &[
        "de", "la", "que", "el", "en", "y", "los", "del", "se", "las", "por", "un", "para", "con",
        "una", "su", "al", "lo", "como", "más", "pero", "sus", "le", "ya", "o", "este", "sí",
        "porque", "esta", "entre", "cuando", "muy", "sobre", "también", "hasta", "donde", "quien",
        "desde", "todo", "nos", "durante", "todos", "uno", "les", "ni", "contra", "otros", "ese",
        "eso", "ellos", "e", "esto", "mí", "antes", "algunos", "qué", "unos", "yo", "otro",
        "otras", "otra", "él", "tanto", "esa", "estos", "mucho", "quienes", "nada", "muchos",
        "cual", "ella", "estar", "estas", "algunas", "algo", "nosotros", "mi", "mis", "tú", "te",
        "ti", "tu", "tus", "ellas", "es", "fue", "ha", "ser", "está", "están", "había", "sido",
    ],
    // French
    &[
        "des", "du", "une", "et", "est", "qui", "dans", "pas", "sur", "au", "aux", "avec", "ce",
        "ces", "cette", "il", "elle", "ils", "elles", "nous", "vous", "ne", "sont", "par", "plus",
        "mais", "ou", "sa", "ses", "leur", "leurs", "été", "être", "avait", "ont", "comme", "tout",
        "aussi", "à", "ça", "était", "avoir", "c'est", "d'un", "d'une", "l'on", "qu'il", "n'est",
    ],
    // German
    &[
        "der", "die", "und", "den", "das", "ist", "nicht", "ein", "eine", "einen", "einem",
        "einer", "zu", "mit", "sich", "auf", "für", "im", "dem", "von", "auch", "sie", "er", "wir",
        "ihr", "noch", "nach", "bei", "aus", "wie", "oder", "aber", "wird", "werden", "wurde",
        "sind", "hat", "haben", "um", "am", "als", "dass", "nur", "vor", "zum", "zur", "über",
        "durch", "bis", "kann", "wenn", "ihre", "seine", "sein", "vom", "ich", "wurden", "keine",
    ],
    // Portuguese
    &[
        "da", "em", "é", "não", "os", "na", "dos", "mas", "foi", "ao", "ele", "tem", "seu", "sua",
        "quando", "muito", "há", "já", "eu", "só", "pelo", "pela", "até", "isso", "depois", "sem",
        "mesmo", "aos", "ter", "seus", "quem", "nas", "esse", "eles", "estão", "você", "foram",
        "essa", "num", "nem", "suas", "meu", "às", "minha", "numa", "pelos", "elas", "havia",
        "seja", "qual", "será", "nós", "lhe", "deles", "pelas", "dele",
    ],
    // Italian
    &[
        "di", "che", "è", "per", "non", "si", "dei", "nel", "alla", "della", "più", "sono", "gli",
        "ma", "anche", "delle", "dal", "questo", "nella", "essere", "dalla", "ci", "degli", "suo",
        "tra", "io", "loro", "lui", "lei", "stato",
    ],
];

/// The stop words, by their hashes as the segmenter hashes words. A bit for each of 4,096 slots,
/// picked by a hash's top bits, rules out nearly every other word with one look-up; the set
/// confirms the rest (every word of a corpus is looked up, twice).
pub struct StopWords {
    slots: [u64; 64],
    hashes: AHashSet<u64>,
}

impl StopWords {
    /// The built-in lists of common function words: English, then five other languages.
    pub fn new() -> StopWords {
        let hashes: AHashSet<u64> = STOP_WORDS
            .iter()
            .chain(OTHER_STOP_WORDS.iter().copied().flatten())
            .map(|w| hash_bytes(w.as_bytes()))
            .collect();
        let mut slots = [0u64; 64];
        for &h in &hashes {
            let slot = StopWords::slot(h);
            slots[slot / 64] |= 1 << (slot % 64);
        }
        StopWords { slots, hashes }
    }

    fn slot(hash: u64) -> usize {
        (hash >> 52) as usize
    }

    /// Whether the word of this hash is a stop word.
    #[inline]
    pub fn contains(&self, hash: u64) -> bool {
        let slot = StopWords::slot(hash);
        self.slots[slot / 64] >> (slot % 64) & 1 != 0 && self.hashes.contains(&hash)
    }
}

impl Default for StopWords {
    fn default() -> Self {
        StopWords::new()
    }
}
