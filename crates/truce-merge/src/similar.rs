//! Near-duplicate text: word 3-gram shingles hashed with SHA-256 prefixes, compared by Jaccard.

use std::collections::HashSet;

/// The set of hashed word 3-grams of a text (lowercased, punctuation dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles(HashSet<u64>);

impl Shingles {
    /// Shingles of `text`.
    pub fn of(text: &str) -> Shingles {
        let words: Vec<String> =
            text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        let mut set = HashSet::new();
        if words.len() < 3 {
            if !words.is_empty() {
                set.insert(hash(&words.join(" ")));
            }
        } else {
            for w in words.windows(3) {
                set.insert(hash(&w.join(" ")));
            }
        }
        Shingles(set)
    }

    /// Whether there are no shingles.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn hash(s: &str) -> u64 {
    // FNV-1a: fast, stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Jaccard similarity of two shingle sets, 0 when either is empty.
pub fn jaccard(a: &Shingles, b: &Shingles) -> f64 {
    if a.0.is_empty() || b.0.is_empty() {
        return 0.0;
    }
    let inter = a.0.intersection(&b.0).count();
    inter as f64 / (a.0.len() + b.0.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_score_high_and_different_texts_low() {
        let a = Shingles::of(
            "Mr. Putin said that Mr. Assad's government and the opposition would hold peace talks in Kazakhstan, but he did not announce a date.",
        );
        let b = Shingles::of(
            "Mr Putin said that Mr Assad's government and the opposition would hold peace talks in Kazakhstan but he did not announce a date",
        );
        let c = Shingles::of("Turkey called on Hezbollah to withdraw from Syria.");
        assert!(jaccard(&a, &b) > 0.9);
        assert!(jaccard(&a, &c) < 0.1);
        assert_eq!(jaccard(&a, &Shingles::of("")), 0.0);
    }
}
