//! Keyword search that finds what a family means: which words a service is found by and how
//! much each counts, the other words families use for the same need, spelling tolerance, and
//! the ranking (BM25 over weighted fields, the name counting most).
//!
//! The index ([`super::index`]) keeps a [`TextIndex`] beside its filters, so the public pages
//! and the ORUK API rank alike on SQLite and PostgreSQL: the database stores each service's
//! weighted words ([`weighted_words`], [`encode_weighted`]) and every instance ranks in memory.

use super::search::words;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// The version of the text analysis (stems, stop words, weights). Stored words made by an
/// older version are made again at start-up, so a change here reaches every service.
pub const ANALYSIS_VERSION: i64 = 1;

/// Where a word appears in a service's entry; the name counts most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The service's name.
    Name,
    /// The name of a taxonomy term it is linked to (a need, a kind of service).
    Term,
    /// Its organisation's name.
    Organisation,
    /// Everything else: description, who it is for, places, languages.
    Text,
}

impl Field {
    /// How many times a word here counts.
    pub const fn weight(self) -> u32 {
        match self {
            Field::Name => 5,
            Field::Term => 3,
            Field::Organisation => 2,
            Field::Text => 1,
        }
    }
}

/// A service's searchable stems, each with its weighted count (the sum of its fields' weights
/// over every time it appears), in stem order.
pub fn weighted_words<'a>(
    fields: impl IntoIterator<Item = (Field, &'a str)>,
) -> Vec<(String, u32)> {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for (field, text) in fields {
        for word in words(text) {
            *counts.entry(word).or_insert(0) += field.weight();
        }
    }
    counts.into_iter().collect()
}

/// The stored form of weighted words: `stem:count` separated by spaces (stems are letters and
/// digits only).
pub fn encode_weighted(words: &[(String, u32)]) -> String {
    let mut out = String::with_capacity(words.len() * 10);
    for (i, (word, count)) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        out.push(':');
        out.push_str(&count.to_string());
    }
    out
}

/// Reads [`encode_weighted`]'s form; anything malformed is skipped.
pub fn decode_weighted(text: &str) -> Vec<(String, u32)> {
    text.split(' ')
        .filter_map(|pair| {
            let (word, count) = pair.rsplit_once(':')?;
            Some((word.to_string(), count.parse().ok()?))
        })
        .filter(|(word, count)| !word.is_empty() && *count > 0)
        .collect()
}

/// Words and phrases that mean the same to a family, from the needs taxonomy's names and the
/// acronyms in its descriptions, and from the glossary's acronyms (a test keeps every one of
/// those here). A search for any member also finds services that use another.
pub const SYNONYMS: &[&[&str]] = &[
    &["autism", "autistic", "asd", "asc", "autism spectrum"],
    &["adhd", "attention deficit"],
    &[
        "dyslexia",
        "dyslexic",
        "spld",
        "specific learning difficulty",
    ],
    &["dyspraxia", "dyspraxic", "dcd"],
    &["deaf", "deafness", "hearing impairment", "hard of hearing"],
    &[
        "blind",
        "vision impairment",
        "visual impairment",
        "partially sighted",
    ],
    &["deafblind", "multi sensory impairment", "msi"],
    &[
        "salt",
        "speech therapy",
        "speech and language therapy",
        "speech and language therapist",
    ],
    &["slcn", "speech language and communication"],
    &["ot", "occupational therapy", "occupational therapist"],
    &["physio", "physiotherapy", "physiotherapist"],
    &["camhs", "child and adolescent mental health"],
    &["semh", "social emotional and mental health"],
    &["mental health", "emotional wellbeing", "wellbeing"],
    &["send", "special educational needs"],
    &["sen support", "special educational needs support"],
    &["senco", "special educational needs coordinator"],
    &["ehcp", "ehc plan", "education health and care plan"],
    &["sendiass", "send information advice and support"],
    &["short breaks", "respite"],
    &["hlsa", "home learning support assistant"],
    &["pfa", "preparing for adulthood"],
    &["dsl", "designated safeguarding lead"],
    &["srb", "specialist resource base"],
    &[
        "learning difficulties",
        "learning disability",
        "mld",
        "sld",
        "pmld",
    ],
    &["sensory processing", "spd"],
    &["physical disability", "mobility", "wheelchair"],
];

/// Each group's members as stem lists.
static GROUPS: LazyLock<Vec<Vec<Vec<String>>>> = LazyLock::new(|| {
    SYNONYMS
        .iter()
        .map(|group| group.iter().map(|member| words(member)).collect())
        .collect()
});

/// One idea in a search: a word, or a phrase that has synonyms ("speech therapy"), with the
/// other ways of saying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The stems as the family typed them.
    pub stems: Vec<String>,
    /// Other ways of saying it, each a list of stems that must all appear.
    pub synonyms: Vec<Vec<String>>,
}

/// Splits a search's stems into units, the longest synonym phrase first at each place.
pub fn units(stems: &[String]) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < stems.len() {
        let mut best: Option<(usize, usize)> = None;
        for (g, group) in GROUPS.iter().enumerate() {
            for (m, member) in group.iter().enumerate() {
                let fits = !member.is_empty()
                    && stems.len() - at >= member.len()
                    && stems[at..at + member.len()] == member[..];
                if fits && best.is_none_or(|(bg, bm)| GROUPS[bg][bm].len() < member.len()) {
                    best = Some((g, m));
                }
            }
        }
        match best {
            Some((g, m)) => {
                let member = GROUPS[g][m].clone();
                at += member.len();
                let synonyms = GROUPS[g]
                    .iter()
                    .filter(|other| **other != member && !other.is_empty())
                    .cloned()
                    .collect();
                out.push(Unit {
                    stems: member,
                    synonyms,
                });
            }
            None => {
                out.push(Unit {
                    stems: vec![stems[at].clone()],
                    synonyms: Vec::new(),
                });
                at += 1;
            }
        }
    }
    out
}

/// How many typing mistakes a word of this many letters may have and still be recognised:
/// none up to 3 letters, one up to 6, two beyond.
pub fn spelling_tolerance(letters: usize) -> usize {
    match letters {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// The typing mistakes between two words: letters added, dropped, changed or swapped with
/// their neighbour ("autsim" is one from "autism").
pub fn typing_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// BM25's saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// How much a longer word found by a prefix ("swim" → "swimmer") counts against the word
/// itself.
const PREFIX_FACTOR: f32 = 0.7;
/// How much a synonym counts against the word typed.
const SYNONYM_FACTOR: f32 = 0.9;

/// The keyword half of the index: each stem's services with their weighted counts, and each
/// service's length, by slot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextIndex {
    postings: BTreeMap<String, Vec<(u32, u32)>>,
    lengths: Vec<u32>,
    total_length: u64,
    documents: u32,
}

/// Adds `count` for `slot` to a word's list: to its last entry when that is the slot's.
fn add_posting(list: &mut Vec<(u32, u32)>, slot: u32, count: u32) {
    match list.last_mut() {
        Some((last, n)) if *last == slot => *n += count,
        _ => list.push((slot, count)),
    }
}

/// What a search's keywords match: a score per slot (0 where a slot does not match every
/// unit), and the words corrected for spelling.
#[derive(Debug, Clone, PartialEq)]
pub struct KeywordMatch {
    /// Score by slot; positive where every unit matched.
    pub scores: Vec<f32>,
    /// Each word that matched nothing, with the word searched instead.
    pub corrections: Vec<(String, String)>,
}

impl TextIndex {
    /// An index of many services' words at once, each under its slot: what [`TextIndex::link`]
    /// for each would make, gathered in a hash map and ordered once at the end.
    pub fn build<'a>(services: impl IntoIterator<Item = (u32, &'a [(String, u32)])>) -> TextIndex {
        let mut index = TextIndex::default();
        let mut postings: HashMap<&'a str, Vec<(u32, u32)>> = HashMap::new();
        for (slot, words) in services {
            index.count_length(slot, words);
            for (word, count) in words {
                add_posting(postings.entry(word.as_str()).or_default(), slot, *count);
            }
        }
        index.postings = postings
            .into_iter()
            .map(|(word, list)| (word.to_owned(), list))
            .collect();
        index
    }

    /// Records a service's length (its words' weighted counts) under its slot.
    fn count_length(&mut self, slot: u32, words: &[(String, u32)]) {
        let slot_at = slot as usize;
        if self.lengths.len() <= slot_at {
            self.lengths.resize(slot_at + 1, 0);
        }
        let length: u32 = words.iter().map(|(_, n)| *n).sum();
        self.lengths[slot_at] = length;
        self.total_length += u64::from(length);
        self.documents += 1;
    }

    /// Adds a service's weighted words under its slot.
    pub fn link(&mut self, slot: u32, words: &[(String, u32)]) {
        self.count_length(slot, words);
        for (word, count) in words {
            // Most words are already known: look them up before copying one as a key.
            match self.postings.get_mut(word.as_str()) {
                Some(list) => add_posting(list, slot, *count),
                None => {
                    self.postings.insert(word.clone(), vec![(slot, *count)]);
                }
            }
        }
    }

    /// Takes a service's words out of its slot.
    pub fn unlink(&mut self, slot: u32, words: &[(String, u32)]) {
        for (word, _) in words {
            if let Some(list) = self.postings.get_mut(word) {
                list.retain(|(s, _)| *s != slot);
                if list.is_empty() {
                    self.postings.remove(word);
                }
            }
        }
        let length = std::mem::take(&mut self.lengths[slot as usize]);
        self.total_length -= u64::from(length);
        self.documents -= 1;
    }

    /// How many distinct stems it holds.
    pub fn vocabulary(&self) -> usize {
        self.postings.len()
    }

    /// Adds `factor` × the BM25 score of `word` to each slot's entry in `out`, keeping the
    /// higher where `out` already has one.
    fn score_word(&self, word: &str, factor: f32, out: &mut [f32]) {
        let Some(list) = self.postings.get(word) else {
            return;
        };
        let n = self.documents as f32;
        let df = list.len() as f32;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let average = (self.total_length as f32 / n.max(1.0)).max(1.0);
        for (slot, count) in list {
            let tf = *count as f32;
            let length = self.lengths[*slot as usize] as f32;
            let score =
                factor * idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / average));
            let cell = &mut out[*slot as usize];
            if score > *cell {
                *cell = score;
            }
        }
    }

    /// The stems a word matches in the index: itself, and longer stems it begins (from three
    /// letters on).
    fn matching<'a>(&'a self, word: &'a str) -> Vec<&'a str> {
        let upper = super::search::prefix_upper_bound(word).filter(|_| word.chars().count() >= 3);
        match upper {
            Some(upper) => self
                .postings
                .range::<str, _>((
                    std::ops::Bound::Included(word),
                    std::ops::Bound::Excluded(upper.as_str()),
                ))
                .map(|(w, _)| w.as_str())
                .collect(),
            None => self
                .postings
                .get_key_value(word)
                .map(|(w, _)| w.as_str())
                .into_iter()
                .collect(),
        }
    }

    /// Whether a unit (or any of its synonyms) appears anywhere in the index.
    fn known(&self, unit: &Unit) -> bool {
        let single = |stems: &[String], prefix: bool| match stems {
            [word] if prefix => !self.matching(word).is_empty(),
            _ => stems.iter().all(|w| self.postings.contains_key(w)),
        };
        single(&unit.stems, true) || unit.synonyms.iter().any(|s| single(s, false))
    }

    /// The scores of one unit by slot: the best of the words typed (with their prefixes) and
    /// each synonym (whose stems must all appear).
    fn unit_scores(&self, unit: &Unit, slots: usize) -> Vec<f32> {
        let mut best = vec![0.0f32; slots];
        let mut alternative = |stems: &[String], factor: f32, prefix: bool| {
            if let ([word], true) = (stems, prefix) {
                for found in self.matching(word) {
                    let f = if found == word.as_str() {
                        factor
                    } else {
                        factor * PREFIX_FACTOR
                    };
                    self.score_word(found, f, &mut best);
                }
                return;
            }
            let mut sum = vec![0.0f32; slots];
            let mut all = true;
            for word in stems {
                let mut one = vec![0.0f32; slots];
                self.score_word(word, factor, &mut one);
                for (s, o) in sum.iter_mut().zip(&one) {
                    if *o > 0.0 && (*s > 0.0 || all) {
                        *s += o;
                    } else {
                        *s = 0.0;
                    }
                }
                all = false;
            }
            for (b, s) in best.iter_mut().zip(&sum) {
                if *s > *b {
                    *b = *s;
                }
            }
        };
        alternative(&unit.stems, 1.0, true);
        for synonym in &unit.synonyms {
            alternative(synonym, SYNONYM_FACTOR, false);
        }
        best
    }

    /// The nearest stem in the index to a word it does not hold, within the word's spelling
    /// tolerance: the fewest mistakes, then the most services, then alphabetical.
    pub fn correct(&self, word: &str) -> Option<String> {
        self.nearest(word, spelling_tolerance(word.chars().count()))
    }

    fn nearest(&self, word: &str, tolerance: usize) -> Option<String> {
        if tolerance == 0 {
            return None;
        }
        let letters = word.chars().count();
        let mut best: Option<(usize, std::cmp::Reverse<usize>, &str)> = None;
        for (candidate, list) in &self.postings {
            let n = candidate.chars().count();
            if n.abs_diff(letters) > tolerance || candidate == word {
                continue;
            }
            let d = typing_distance(word, candidate);
            if d == 0 || d > tolerance {
                continue;
            }
            let key = (d, std::cmp::Reverse(list.len()), candidate.as_str());
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        best.map(|(_, _, w)| w.to_string())
    }

    /// Scores a search's stems over `slots` slots: a slot matches when it matches every unit.
    /// A word that matches nothing at all is searched as the nearest stem the index holds,
    /// and reported.
    pub fn search(&self, stems: &[String], slots: usize) -> KeywordMatch {
        let mut corrections = Vec::new();
        let mut total: Option<Vec<f32>> = None;
        for unit in units(stems) {
            let unit = match (&unit.stems[..], self.known(&unit)) {
                ([word], false) => match self.correct(word) {
                    Some(better) => {
                        corrections.push((word.clone(), better.clone()));
                        units(std::slice::from_ref(&better))
                            .pop()
                            .expect("a unit per word")
                    }
                    None => unit,
                },
                _ => unit,
            };
            let scores = self.unit_scores(&unit, slots);
            total = Some(match total {
                None => scores,
                Some(mut sum) => {
                    for (s, o) in sum.iter_mut().zip(&scores) {
                        *s = if *s > 0.0 && *o > 0.0 { *s + o } else { 0.0 };
                    }
                    sum
                }
            });
        }
        KeywordMatch {
            scores: total.unwrap_or_else(|| vec![0.0; slots]),
            corrections,
        }
    }

    /// Other searches to offer when one finds nothing ("did you mean"): each word in turn
    /// replaced by the nearest other stem the index holds (up to two mistakes), best first.
    pub fn alternatives(&self, stems: &[String]) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for (i, word) in stems.iter().enumerate() {
            let tolerance = spelling_tolerance(word.chars().count()).clamp(1, 2);
            if word.chars().count() < 3 {
                continue;
            }
            if let Some(better) = self.nearest(word, tolerance) {
                let mut variant = stems.to_vec();
                variant[i] = better;
                out.push(variant);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        words(text)
    }

    fn index(services: &[&[(Field, &str)]]) -> TextIndex {
        let mut index = TextIndex::default();
        for (slot, fields) in services.iter().enumerate() {
            index.link(slot as u32, &weighted_words(fields.iter().copied()));
        }
        index
    }

    fn order(index: &TextIndex, query: &str, slots: usize) -> Vec<usize> {
        let found = index.search(&stems(query), slots);
        let mut ranked: Vec<(f32, usize)> = found
            .scores
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(i, s)| (*s, i))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.into_iter().map(|(_, i)| i).collect()
    }

    #[test]
    fn building_at_once_makes_the_index_linking_each_service_makes() {
        let services: Vec<Vec<(String, u32)>> = [
            "Autism family support group for autistic children",
            "Swimming club: swimming lessons for children",
            "",
            "Speech and language therapy (SALT) for children with autism",
        ]
        .iter()
        .map(|text| {
            let mut words = weighted_words([(Field::Text, *text)]);
            words.sort_unstable();
            words
        })
        .collect();
        let mut linked = TextIndex::default();
        for (slot, words) in services.iter().enumerate() {
            linked.link(slot as u32, words);
        }
        let built = TextIndex::build(
            services
                .iter()
                .enumerate()
                .map(|(slot, words)| (slot as u32, words.as_slice())),
        );
        assert_eq!(built, linked);
        assert!(built.vocabulary() > 5);
        assert_eq!(order(&built, "autism", 4), order(&linked, "autism", 4));
    }

    #[test]
    fn a_word_in_the_name_ranks_above_the_same_word_in_a_description() {
        let index = index(&[
            &[
                (Field::Name, "Benefits and DLA advice"),
                (
                    Field::Text,
                    "Advice for families, including families of autistic children.",
                ),
            ],
            &[
                (Field::Name, "Autism family support"),
                (Field::Text, "A group for parents."),
            ],
            &[(Field::Name, "Swimming club"), (Field::Text, "Lessons.")],
        ]);
        assert_eq!(order(&index, "autism", 3), [1, 0]);
    }

    #[test]
    fn synonyms_find_each_other_both_ways() {
        let index = index(&[
            &[(Field::Name, "ASD parent group")],
            &[(Field::Name, "Autism outreach")],
            &[(Field::Text, "Speech and language therapy for under fives")],
            &[(Field::Name, "Art club")],
        ]);
        assert_eq!(order(&index, "autistic", 4), [1, 0]);
        // Both are synonyms of "ASC": the shorter entry ranks first.
        assert_eq!(order(&index, "ASC", 4), [1, 0]);
        assert_eq!(order(&index, "SALT", 4), [2]);
        // A phrase with synonyms is one idea, not two words that must both appear.
        let units = units(&stems("speech therapy near me"));
        assert_eq!(units[0].stems, stems("speech therapy"));
        assert!(units[0].synonyms.contains(&stems("salt")));
    }

    #[test]
    fn a_misspelt_word_is_searched_as_the_nearest_word_and_said_so() {
        let index = index(&[
            &[(Field::Name, "Autism outreach")],
            &[(Field::Name, "Dyslexia assessments")],
            &[(Field::Name, "Art club")],
        ]);
        let found = index.search(&stems("autsim"), 3);
        assert_eq!(found.corrections, [("autsim".into(), "autism".into())]);
        assert_eq!(order(&index, "dyslxia", 3), [1]);
        // Short words are not guessed at.
        assert_eq!(order(&index, "arx", 3), Vec::<usize>::new());
        // A word that is known is never "corrected".
        assert!(index.search(&stems("art"), 3).corrections.is_empty());
    }

    #[test]
    fn every_word_must_match_and_prefixes_count_less() {
        let index = index(&[
            &[(Field::Name, "Swimming club")],
            &[(Field::Name, "Swim")],
            &[(Field::Name, "Art club")],
        ]);
        assert_eq!(order(&index, "swim", 3), [1, 0]);
        assert_eq!(order(&index, "art club", 3), [2]);
    }

    #[test]
    fn a_search_that_finds_nothing_offers_a_nearby_word() {
        let index = index(&[
            &[(Field::Name, "Swimming club")],
            &[(Field::Name, "Art club")],
        ]);
        assert_eq!(
            index.alternatives(&stems("cluc art")),
            vec![stems("club art")]
        );
    }

    #[test]
    fn weighted_words_survive_the_stored_form() {
        let w = weighted_words([(Field::Name, "Art club"), (Field::Text, "A club for art")]);
        assert_eq!(w, [("art".to_string(), 6), ("club".to_string(), 6)]);
        assert_eq!(decode_weighted(&encode_weighted(&w)), w);
        assert_eq!(decode_weighted("x:1 bad :0 y"), [("x".to_string(), 1)]);
    }

    #[test]
    fn unlink_takes_a_service_out_of_every_count() {
        let mut index = index(&[&[(Field::Name, "Art club")], &[(Field::Name, "Art")]]);
        index.unlink(0, &weighted_words([(Field::Name, "Art club")]));
        assert_eq!(index.vocabulary(), 1);
        assert_eq!(order(&index, "art", 2), [1]);
    }

    #[test]
    fn every_need_and_glossary_acronym_has_its_synonyms() {
        let members: Vec<Vec<String>> = GROUPS.iter().flatten().cloned().collect();
        for entry in super::super::glossary::GLOSSARY.iter() {
            if entry.stands_for.is_some() && entry.term.chars().all(|c| c.is_ascii_uppercase()) {
                assert!(
                    members.contains(&stems(entry.term)),
                    "{} is not in a synonym group",
                    entry.term
                );
            }
        }
        for term in super::super::taxonomy::builtin_terms()
            .iter()
            .filter(|t| t.taxonomy_id == super::super::taxonomy::NEEDS_TAXONOMY)
        {
            let description = &term.description;
            for acronym in description
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_uppercase()))
            {
                assert!(
                    members.contains(&stems(acronym)),
                    "{acronym} (in {}) is not in a synonym group",
                    term.name
                );
            }
        }
    }
}
