//! A whole-token name index over a key stream (see `text::Stream`): every
//! indexed name that starts at a token and covers whole tokens is found with
//! one hash probe per token, plus one per further word while the words read so
//! far are the start of some name. This replaces an overlapping automaton scan
//! over the whole stream: names only ever start and end at token boundaries.
//!
//! The table is a small open-addressing hash of its own, behind a one-bit-per-
//! bucket filter: most words of a text are no name, and the filter (it stays in
//! cache) says so after one hash of the key.

use crate::text::Stream;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The Fx hash (rustc's) of a key, eight bytes at a time.
#[inline]
fn key_hash(k: &str) -> u64 {
    let b = k.as_bytes();
    let mut h: u64 = 0;
    let mut add = |w: u64| h = (h.rotate_left(5) ^ w).wrapping_mul(SEED);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
    }
    let mut last = (b.len() as u64) << 56;
    for (i, &c) in chunks.remainder().iter().enumerate() {
        last |= (c as u64) << (8 * i);
    }
    add(last);
    h
}

const NONE: u32 = u32::MAX;

#[derive(Debug)]
struct Slot {
    hash: u64,
    key: Box<str>,
    /// Index of the name's value, or `NONE` when the key is only a prefix.
    value: u32,
    /// True when a longer name starts with this key and a space.
    prefix: bool,
}

/// Names (folded keys, words joined by single spaces) with one value each.
#[derive(Debug)]
pub struct NameIndex<T> {
    /// Open addressing: slot index + 1, 0 when empty; a power of two long.
    table: Vec<u32>,
    slots: Vec<Slot>,
    values: Vec<T>,
    /// One bit per filter bucket of every key's hash, about four bits per key.
    filter: Vec<u64>,
    /// log2 of the filter's size in bits.
    filter_bits: u32,
}

impl<T> NameIndex<T> {
    /// Indexes `names`; keys must be unique.
    pub fn build(names: Vec<(String, T)>) -> Self {
        let mut all: Vec<(String, u32, bool)> = Vec::with_capacity(names.len() * 2);
        let mut values = Vec::with_capacity(names.len());
        for (k, v) in names {
            let id = values.len() as u32;
            values.push(v);
            for (i, _) in k.match_indices(' ') {
                all.push((k[..i].to_string(), NONE, true));
            }
            all.push((k, id, false));
        }
        // Merge the prefix and name entries of each key.
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let mut slots: Vec<Slot> = Vec::with_capacity(all.len());
        for (k, v, p) in all {
            match slots.last_mut() {
                Some(last) if *last.key == *k => {
                    if v != NONE {
                        last.value = v;
                    }
                    last.prefix |= p;
                }
                _ => slots.push(Slot { hash: key_hash(&k), key: k.into_boxed_str(), value: v, prefix: p }),
            }
        }
        let size = (slots.len() * 2).next_power_of_two().max(16);
        let mut table = vec![0u32; size];
        for (i, sl) in slots.iter().enumerate() {
            let mut at = sl.hash as usize & (size - 1);
            while table[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            table[at] = i as u32 + 1;
        }
        let filter_bits = (slots.len() * 4).next_power_of_two().trailing_zeros().clamp(12, 20);
        let mut filter = vec![0u64; 1 << (filter_bits - 6)];
        for sl in &slots {
            let b = (sl.hash >> (64 - filter_bits)) as usize;
            filter[b >> 6] |= 1 << (b & 63);
        }
        Self { table, slots, values, filter, filter_bits }
    }

    /// Looks one key up: its value if it is a name, and whether a longer name
    /// starts with it and a space. `None` when neither.
    #[inline]
    pub fn probe(&self, key: &str) -> Option<(Option<&T>, bool)> {
        let h = key_hash(key);
        let b = (h >> (64 - self.filter_bits)) as usize;
        if self.filter[b >> 6] & (1 << (b & 63)) == 0 {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut at = h as usize & mask;
        loop {
            let i = self.table[at];
            if i == 0 {
                return None;
            }
            let sl = &self.slots[i as usize - 1];
            if sl.hash == h && *sl.key == *key {
                return Some(((sl.value != NONE).then(|| &self.values[sl.value as usize]), sl.prefix));
            }
            at = (at + 1) & mask;
        }
    }

    /// Calls `f(stream_start, stream_end, value)` for every indexed name in
    /// `st` that covers whole consecutive keys (no `|` break inside), in order
    /// of start and then length.
    pub fn find(&self, st: &Stream, f: impl FnMut(usize, usize, &T)) {
        self.find_from(st, |_| true, f);
    }

    /// Like [`NameIndex::find`], for names whose first token (a token index
    /// of the stream's text) passes `start_ok`.
    pub fn find_from(&self, st: &Stream, start_ok: impl Fn(usize) -> bool, mut f: impl FnMut(usize, usize, &T)) {
        let sp = &st.spans;
        let b = st.text.as_bytes();
        for i in 0..sp.len() {
            if !start_ok(sp[i].2) {
                continue;
            }
            let s = sp[i].0;
            for j in i..sp.len() {
                if j > i && (sp[j].0 != sp[j - 1].1 + 1 || b[sp[j - 1].1] != b' ') {
                    break;
                }
                let Some((value, prefix)) = self.probe(&st.text[s..sp[j].1]) else { break };
                if let Some(v) = value {
                    f(s, sp[j].1, v);
                }
                if !prefix {
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
