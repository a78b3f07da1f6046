//! A whole-token name index over a key stream (see `text::Stream`): every
//! indexed name that starts at a token and covers whole tokens is found with
//! one hash probe per token, plus one per further word while the words read so
//! far are the start of some name. This replaces an overlapping automaton scan
//! over the whole stream: names only ever start and end at token boundaries.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::text::Stream;

/// The Fx hash (rustc's): fast on the short keys of a name stream.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with the Fx hash.
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Index of the name's value, or `NONE` when the key is only a prefix.
    value: u32,
    /// True when a longer name starts with this key and a space.
    prefix: bool,
}

/// Names (folded keys, words joined by single spaces) with one value each.
#[derive(Debug)]
pub struct NameIndex<T> {
    map: FxMap<Box<str>, Slot>,
    values: Vec<T>,
    /// One bit per hash bucket of every key: most words of a text are no
    /// name, and this small table (it stays in cache) says so without a probe.
    filter: Vec<u64>,
}

const FILTER_BITS: u32 = 21;

fn key_hash(k: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(k.as_bytes());
    h.finish()
}

fn filter_bit(k: &str) -> (usize, u64) {
    let b = (key_hash(k) >> (64 - FILTER_BITS)) as usize;
    (b >> 6, 1 << (b & 63))
}

impl<T> NameIndex<T> {
    /// Indexes `names`; keys must be unique.
    pub fn build(names: Vec<(String, T)>) -> Self {
        let mut map: FxMap<Box<str>, Slot> = FxMap::default();
        let mut values = Vec::with_capacity(names.len());
        for (k, v) in names {
            let id = values.len() as u32;
            values.push(v);
            for (i, _) in k.match_indices(' ') {
                map.entry(k[..i].into()).or_insert(Slot { value: NONE, prefix: true }).prefix = true;
            }
            map.entry(k.into_boxed_str()).or_insert(Slot { value: NONE, prefix: false }).value = id;
        }
        let mut filter = vec![0u64; 1 << (FILTER_BITS - 6)];
        for k in map.keys() {
            let (w, bit) = filter_bit(k);
            filter[w] |= bit;
        }
        Self { map, values, filter }
    }

    /// Calls `f(stream_start, stream_end, value)` for every indexed name in
    /// `st` that covers whole consecutive keys (no `|` break inside), in order
    /// of start and then length.
    pub fn find(&self, st: &Stream, mut f: impl FnMut(usize, usize, &T)) {
        let sp = &st.spans;
        let b = st.text.as_bytes();
        for i in 0..sp.len() {
            let s = sp[i].0;
            for j in i..sp.len() {
                if j > i && (sp[j].0 != sp[j - 1].1 + 1 || b[sp[j - 1].1] != b' ') {
                    break;
                }
                let key = &st.text[s..sp[j].1];
                let (w, bit) = filter_bit(key);
                if self.filter[w] & bit == 0 {
                    break;
                }
                let Some(slot) = self.map.get(key) else { break };
                if slot.value != NONE {
                    f(s, sp[j].1, &self.values[slot.value as usize]);
                }
                if !slot.prefix {
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{streams, tokenize};

    #[test]
    fn finds_whole_token_names_without_crossing_breaks() {
        let idx = NameIndex::build(vec![("tal".into(), 1), ("tal rifat".into(), 2), ("rifat".into(), 3)]);
        let t = "In Tal Rifaat, Tal. Rifaat";
        let (ex, _) = streams(t, &tokenize(t));
        let mut got = Vec::new();
        idx.find(&ex, |s, e, v| got.push((ex.text[s..e].to_string(), *v)));
        assert_eq!(
            got,
            [("tal".into(), 1), ("tal rifat".into(), 2), ("rifat".into(), 3), ("tal".into(), 1), ("rifat".into(), 3)]
        );
    }
}
