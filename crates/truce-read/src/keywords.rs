//! Keyword lists of the sentence classifier, all matched in one pass: one
//! automaton over the lower-cased sentence finds every listed string, and each
//! list is then a bit. A list matches substrings anywhere (`Sub`), the start of
//! a word (`Prefix`), or whole words (`Word`), where words are the sentence's tokens.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// The keyword lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    /// Phrases saying that ground changed hands.
    TakeControl,
    /// Idioms with "control" that are not about ground.
    ControlIdiom,
    /// Attempts, failures and repelled attacks.
    Attempt,
    /// Word starts of fighting ("clash", "battl").
    ClashWord,
    /// Phrases of fighting.
    ClashPhrase,
    /// Chemical weapons.
    Chemical,
    /// Word starts of suicide attacks.
    Suicide,
    /// Word starts of air and drone strikes.
    AirWord,
    /// Phrases of air strikes.
    AirPhrase,
    /// Word starts of shelling, artillery and missiles.
    ShellWord,
    /// Word starts of grenades.
    Grenade,
    /// Remote explosives, landmines and IEDs.
    Explosive,
    /// Word starts of abductions.
    Kidnap,
    /// Words of one-sided violence.
    AttackWord,
    /// Words of deaths.
    KilledWord,
    /// Tolls of the whole war, not of an event.
    WarToll,
    /// Words of arrests.
    ArrestWord,
    /// Word starts of protests.
    Protest,
    /// Disrupted weapons use.
    Disrupted,
    /// Denials.
    Denied,
    /// Past events told for context.
    Background,
    /// Words of hypotheticals.
    HypoWord,
    /// Words that make a hypothetical-looking sentence a report.
    HypoBlock,
    /// Words of plans.
    PlannedWord,
    /// Phrases of plans.
    PlannedPhrase,
    /// Places relative to the capital.
    Capital,
    /// Phrases where the first actor lost ground.
    Lost,
    /// Ceasefires and agreements.
    Truce,
    /// Guarantors and monitors.
    Guarantee,
    /// Exclusions from an agreement.
    Exclusion,
    /// Signatories.
    Signed,
    /// Instruments of an agreement.
    Instruments,
    /// The area an agreement covers.
    Scope,
    /// When an agreement takes effect.
    Effective,
    /// Attribution to a speaker.
    Said,
    /// Every word that `numbers::deaths_lower` reacts to: without one, a sentence states no deaths.
    DeathCue,
    /// An armed operation around an arrest ("raid", "stormed").
    Raid,
}

/// How a list's strings match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum M {
    /// Anywhere in the padded, lower-cased sentence.
    Sub,
    /// At the start of a word.
    Prefix,
    /// As a whole word.
    Word,
}

const LISTS: &[(Kw, M, &[&str])] = &[
    (
        Kw::TakeControl,
        M::Sub,
        &[
            "took control",
            "take control",
            "taking control",
            "gained control",
            "gain control",
            "regain control",
            "regained control",
            "control of",
            "control over",
            "controlled",
            "controlling",
            "taking it over",
            "took over",
            "take over",
            "taken over",
            "fell to",
            "fell into",
            "took back",
            "expelled",
            "liberated",
            "retreated from",
            "withdrew from",
            "cleared",
            "overran",
            "overrun",
            "overtook",
            "stormed",
            "recaptured",
            "retook",
            "retake",
            "retaking",
            "regained",
            "restored control",
            "full control",
            "able to control",
            "managed to control",
            "control the village",
            "control the town",
            "control the city",
            "control the hill",
            "control the area",
        ],
    ),
    (Kw::ControlIdiom, M::Sub, &["control of the situation", "under the control of"]),
    (
        Kw::Attempt,
        M::Sub,
        &[
            "attempt",
            "tried to",
            "trying to",
            "failed to",
            "bid to",
            "repelled",
            "repulsed",
            "thwarted",
            "foiled",
            "partial control",
            "nearly regained",
            "hold off",
            "counter-attack",
            "counter attack",
            "unsuccessful",
        ],
    ),
    (
        Kw::ClashWord,
        M::Prefix,
        &["clash", "battl", "fought", "fight", "firefight", "skirmish", "gunfight", "ambush", "sniper", "infighting"],
    ),
    (
        Kw::ClashPhrase,
        M::Sub,
        &[
            "exchange of fire",
            "opened fire",
            "exchanged fire",
            "attacked",
            "attack on",
            "assault",
            "offensive",
            "infiltrat",
            "combat",
            "gunfire",
            "attacks on",
            "attack against",
            "exchange of targeting",
            "fire exchange",
            "exchanged targeting",
            "machine gun",
            "machine-gun",
            "repelled",
            "repulsed",
            "hold off",
            "exchanged shell",
            "exchange of shell",
            "exchanged artillery",
            "exchanged rocket",
            "exchanged mortar",
            "traded fire",
            "shelling exchange",
            "exchange of artillery",
            "exchange of rocket",
            "exchange of mortar",
            "returned fire",
            "responded by shelling",
            "responded by firing",
            "retaliated",
            "air defenses",
            "air defences",
            "air defense",
            "air defence",
            "anti-air",
            "anti-aircraft",
            "an attack by",
            "attacks by",
            "repel",
            "thwarted",
            "raids on",
            "raid on",
            "partial control",
            "engaged in",
            "engaged with",
            "engaged the",
            "engaged israeli",
            "defenses engaged",
            "defences engaged",
            "engagement with",
            "open fire",
            "opens fire",
            "under fire",
            "fired shots",
            "fired at",
            "small arms",
        ],
    ),
    // Small arms fire, as coders abbreviate it ("discharged SAF towards a checkpoint").
    (Kw::ClashWord, M::Word, &["saf"]),
    (
        Kw::Chemical,
        M::Sub,
        &["chemical", "sarin", "chlorine", "nerve agent", "toxic gas", "poison gas", "poisonous gas"],
    ),
    (Kw::Suicide, M::Prefix, &["suicide"]),
    (Kw::AirWord, M::Prefix, &["airstrike", "warplane", "aerial", "helicopter", "drone", "jets"]),
    (Kw::AirPhrase, M::Sub, &["air strike", "air raid", "barrel bomb", "air force", "aircraft", "bombing raid"]),
    (Kw::ShellWord, M::Prefix, &["shell", "mortar", "artillery", "rocket", "missile", "bombard", "cannon"]),
    (Kw::Grenade, M::Prefix, &["grenade"]),
    (
        Kw::Explosive,
        M::Sub,
        &[
            "explosive",
            "landmine",
            " mine ",
            "car bomb",
            "booby",
            "blast",
            "explosion",
            "exploded",
            "bomb attack",
            "bomb went off",
            "detonat",
        ],
    ),
    // Whole words: "ied" is also the end of "unidentified", "allied", "carried".
    (Kw::Explosive, M::Word, &["ied", "ieds", "vbied", "vbieds", "svbied", "svbieds", "pbied", "pbieds"]),
    (Kw::Kidnap, M::Prefix, &["kidnap", "abduct"]),
    (
        Kw::AttackWord,
        M::Word,
        &[
            "executed",
            "massacre",
            "massacred",
            "shot",
            "murder",
            "murdered",
            "assassination",
            "assassinated",
            "tortured",
            "targeted",
            "stabbed",
            "wounding",
            "injuring",
        ],
    ),
    (Kw::AttackWord, M::Prefix, &["assassinat"]),
    (Kw::KilledWord, M::Word, &["killed", "killing", "dead", "died"]),
    (Kw::KilledWord, M::Sub, &["body of a", "body of an", "bodies of"]),
    (
        Kw::WarToll,
        M::Sub,
        &["war has killed", "conflict has killed", "has killed more", "have been killed since", "killed more than"],
    ),
    (Kw::ArrestWord, M::Word, &["arrested", "detained", "arrests", "raid", "captured", "capturing"]),
    (Kw::Raid, M::Word, &["raid", "raided", "raids", "stormed", "ambushed", "clashed", "clashes", "firefight"]),
    (Kw::Protest, M::Prefix, &["protest", "demonstrat"]),
    (Kw::Disrupted, M::Sub, &["intercepted", "shot down", "defused", "dismantled", "downed"]),
    (
        Kw::Denied,
        M::Sub,
        &[
            "denied",
            "denies",
            "deny ",
            "did not happen",
            "rejected reports",
            "no clashes",
            "no truth",
            "false reports",
            "fabricated",
        ],
    ),
    (
        Kw::Background,
        M::Sub,
        &[
            "since 2011",
            "since the start of the war",
            "since the war began",
            "has killed more than",
            "have killed more than",
            "in recent years",
            "earlier this year",
            "last year",
        ],
    ),
    (Kw::HypoWord, M::Word, &["if", "could", "might", "unless", "would", "should"]),
    (Kw::HypoBlock, M::Word, &["killed", "clashes", "died"]),
    (
        Kw::PlannedWord,
        M::Word,
        &[
            "will",
            "plans",
            "planned",
            "scheduled",
            "preparing",
            "prepares",
            "intends",
            "poised",
            "proposed",
            "proposes",
            "propose",
        ],
    ),
    (Kw::PlannedPhrase, M::Sub, &["set to", "expected to", "is to ", "are to "]),
    (Kw::Capital, M::Sub, &["near the capital", "outside the capital", "around the capital", "the capital's"]),
    (
        Kw::Lost,
        M::Sub,
        &[" fell to ", "captured by", " retreated from ", " withdrew from ", " lost control", " were expelled"],
    ),
    (Kw::Truce, M::Sub, &["ceasefire", "cease-fire", "truce", "cessation of hostilities", "agreement", "deal"]),
    (Kw::Guarantee, M::Sub, &["guarantee", "guarantor", "monitor compliance", "help monitor"]),
    (Kw::Exclusion, M::Sub, &["exclud", "not include", "not included", "did not include", "except"]),
    (Kw::Signed, M::Sub, &["signed", "signatories"]),
    (Kw::Instruments, M::Sub, &["separate agreements", "documents", "instruments"]),
    (Kw::Scope, M::Sub, &["entire country", "nationwide", "all of syria", "covers"]),
    (
        Kw::Effective,
        M::Sub,
        &[
            "midnight",
            "took effect",
            "take effect",
            "came into force",
            "come into force",
            "set to begin",
            "would begin",
            "will begin",
            "starting at",
            "began at",
            "go into effect",
            "went into effect",
            "takes effect",
        ],
    ),
    (Kw::Said, M::Sub, &[" said ", " told ", " according to ", " says "]),
    (Kw::DeathCue, M::Word, crate::numbers::TRIGGERS),
];

struct Automaton {
    ac: AhoCorasick,
    /// Per pattern: lists hit anywhere, at a word start, as a whole word.
    masks: Vec<[u64; 3]>,
}

fn automaton() -> &'static Automaton {
    static A: OnceLock<Automaton> = OnceLock::new();
    A.get_or_init(|| {
        let mut pats: Vec<&str> = Vec::new();
        let mut masks: Vec<[u64; 3]> = Vec::new();
        for &(kw, m, items) in LISTS {
            for &p in items {
                let i = match pats.iter().position(|q| *q == p) {
                    Some(i) => i,
                    None => {
                        pats.push(p);
                        masks.push([0; 3]);
                        pats.len() - 1
                    }
                };
                masks[i][m as usize] |= 1 << kw as u32;
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(&pats)
            .expect("keyword lists are valid patterns");
        Automaton { ac, masks }
    })
}

/// Nouns after "controlled" that make it an adjective of who holds a place.
const HELD: &[&str] = &[
    " area",
    " enclave",
    " territor",
    " pocket",
    " region",
    " neighbo",
    " position",
    " part",
    " zone",
    " side",
    " bank",
    " village",
    " town",
    " district",
    " countryside",
    " held",
];

/// A sentence lower-cased and padded with one space each side, with the
/// keyword lists it matches.
#[derive(Debug, Clone, Default)]
pub struct Lc {
    /// `" " + lower-cased sentence + " "`.
    pub text: String,
    /// Per byte of `text`: 1 when a word starts there, 2 when one ends there.
    bounds: Vec<u8>,
    hits: u64,
}

impl Lc {
    /// Reads one sentence: `lower` is its lower-cased text and `words` the
    /// byte ranges of its tokens relative to the sentence start.
    pub fn set(&mut self, lower: &str, words: impl Iterator<Item = std::ops::Range<usize>>) {
        self.text.clear();
        self.text.push(' ');
        self.text.push_str(lower);
        self.text.push(' ');
        self.bounds.clear();
        self.bounds.resize(self.text.len() + 1, 0);
        for w in words {
            self.bounds[w.start + 1] |= 1;
            self.bounds[w.end + 1] |= 2;
        }
        let a = automaton();
        let mut hits = 0u64;
        for m in a.ac.find_overlapping_iter(&self.text) {
            let [mut sub, prefix, word] = a.masks[m.pattern().as_usize()];
            // "IS-controlled areas": a control word joined to its holder is a modifier, not a capture.
            if m.start() > 0 && self.text.as_bytes()[m.start() - 1] == b'-' {
                sub &= !(1 << Kw::TakeControl as u32);
            }
            let rest = &self.text[m.end()..];
            let pat = &self.text[m.start()..m.end()];
            // "in IS controlled enclave", "regime controlled areas": who holds it, not a capture.
            if pat == "controlled" && HELD.iter().any(|h| rest.starts_with(h)) {
                sub &= !(1 << Kw::TakeControl as u32);
            }
            // "Air Force Intelligence" is a security branch, not an air strike.
            if pat == "air force" && rest.starts_with(" intelligence") {
                sub &= !(1 << Kw::AirPhrase as u32);
            }
            hits |= sub;
            if (prefix | word) != 0 && self.bounds[m.start()] & 1 != 0 {
                hits |= prefix;
                if self.bounds[m.end()] & 2 != 0 {
                    hits |= word;
                }
            }
        }
        self.hits = hits;
    }

    /// A sentence read on its own (tests).
    #[cfg(test)]
    pub fn of(sentence: &str) -> Lc {
        let mut lc = Lc::default();
        let toks = crate::text::tokenize(sentence);
        lc.set(&sentence.to_ascii_lowercase(), toks.into_iter().map(|t| t.range));
        lc
    }

    /// True when the sentence matches list `k`.
    #[inline]
    pub fn any(&self, k: Kw) -> bool {
        self.hits & (1 << k as u32) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_match_as_substrings_word_starts_or_words() {
        let lc = Lc::of("Heavy clashes; the air raids were repelled.");
        assert!(lc.any(Kw::ClashWord) && lc.any(Kw::Attempt) && lc.any(Kw::AirPhrase));
        assert!(!lc.any(Kw::ArrestWord), "\"raid\" is a whole word only");
        // Ground raids are no air strikes; who holds an area is no capture.
        assert!(!Lc::of("forces carried out raids and arrests").any(Kw::AirPhrase));
        assert!(!Lc::of("clashes in IS controlled enclave").any(Kw::TakeControl));
        assert!(Lc::of("rebels controlled the town").any(Kw::TakeControl));
        assert!(!Lc::of("a member of Air Force Intelligence").any(Kw::AirPhrase));
        let lc = Lc::of("They shot down a drone");
        assert!(lc.any(Kw::Disrupted) && lc.any(Kw::AttackWord) && lc.any(Kw::AirWord));
        assert!(!Lc::of("unshelled").any(Kw::ShellWord));
    }

    #[test]
    fn death_cues_cover_every_word_that_starts_a_casualty_count() {
        for w in crate::numbers::KILL {
            assert!(crate::numbers::TRIGGERS.contains(w), "{w}");
        }
        for w in crate::numbers::TRIGGERS {
            assert!(Lc::of(&format!("Then {w} here")).any(Kw::DeathCue), "{w}");
        }
        assert!(!Lc::of("Clashes erupted near the deadline").any(Kw::DeathCue));
        // "ied" inside a word is no bomb.
        assert!(!Lc::of("unidentified gunmen and allied militias carried out").any(Kw::Explosive));
        assert!(Lc::of("an IED exploded").any(Kw::Explosive) && Lc::of("a VBIED hit").any(Kw::Explosive));
    }
}
