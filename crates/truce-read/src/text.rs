//! Tokens and name folding: the shared ground for place and actor matching.
//!
//! Text is cut into word and number tokens with byte ranges. Each word gets a
//! folded key (lowercase, no diacritics or apostrophes, Arabic letters
//! normalised, doubled letters collapsed) and a consonant skeleton that merges
//! transliteration variants (Kafr/Kfar, Deir/Dayr, Tal/Tell). A "stream" joins
//! the keys with spaces, with `|` standing for punctuation, so one automaton can
//! match multi-word names at token boundaries.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// One token of clean text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the clean text.
    pub range: Range<usize>,
    /// True for a run of digits (with inner `,` or `.`).
    pub number: bool,
    /// True when a hyphen joins this token to the next one.
    pub hyphen_after: bool,
    /// True when punctuation other than a hyphen or space follows before the next token.
    pub punct_after: bool,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʿ' | 'ʾ' | '`' | 'ʼ' | '´')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{064B}'..='\u{065F}').contains(&c) || c == '\u{0640}'
}

/// The char starting at byte `i` (a char boundary), ASCII without decoding.
#[inline]
fn char_at(text: &str, i: usize) -> char {
    let c = text.as_bytes()[i];
    if c < 0x80 { c as char } else { text[i..].chars().next().unwrap_or(' ') }
}

/// Cuts `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(text.len() / 5);
    let b = text.as_bytes();
    let mut i = 0;
    let n = text.len();
    while i < n {
        let c = char_at(text, i);
        if !is_word_char(c) {
            if let Some(last) = out.last_mut() {
                if c == '-' || c == '–' {
                    if last.range.end == i {
                        last.hyphen_after = true;
                    }
                } else if !c.is_whitespace() && !is_apostrophe(c) {
                    last.punct_after = true;
                }
            }
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let number = c.is_ascii_digit();
        let mut j = i;
        while j < n {
            let d = char_at(text, j);
            if number {
                if d.is_ascii_digit() {
                    j += 1;
                    continue;
                }
                if (d == ',' || d == '.') && j + 1 < n && b[j + 1].is_ascii_digit() {
                    j += 1;
                    continue;
                }
                break;
            }
            if is_word_char(d) {
                j += d.len_utf8();
                continue;
            }
            if is_apostrophe(d) {
                let after = j + d.len_utf8();
                if after < n && char_at(text, after).is_alphabetic() && j > start {
                    j = after;
                    continue;
                }
            }
            break;
        }
        if j == start {
            j = start + c.len_utf8();
        }
        out.push(Token { range: start..j, number, hyphen_after: false, punct_after: false });
        i = j;
    }
    out
}

fn push_arabic(c: char, out: &mut String) {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
        'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
        'ة' => out.push('ه'),
        'ى' => out.push('ي'),
        _ => out.push(c),
    }
}

/// The folded key of one word: lowercase, no diacritics or apostrophes,
/// Arabic normalised, `ou`/`oo` as `u`, `ee` as `i`, doubled letters collapsed
/// and a final `h` after a vowel dropped ("Raqqah" and "Ar-Raqqa" both give `raqa`).
pub fn fold_word(w: &str) -> String {
    let mut s = String::with_capacity(w.len());
    fold_word_into(w, &mut Vec::new(), &mut s);
    s
}

/// Appends the folded key of `w` (see [`fold_word`]) to `out`; `scratch` is a
/// reusable buffer, so folding a whole text allocates nothing per word.
pub fn fold_word_into(w: &str, scratch: &mut Vec<u8>, out: &mut String) {
    scratch.clear();
    // A possessive ("Raqqa's countryside") names the word before it.
    let w = strip_possessive(w);
    if w.is_ascii() {
        if w.bytes().all(|c| c.is_ascii_lowercase()) {
            // The common case: no letters to drop or lower.
            collapse_into(w.as_bytes(), out);
            return;
        }
        for &c in w.as_bytes() {
            if c.is_ascii_alphanumeric() {
                scratch.push(c.to_ascii_lowercase());
            }
        }
        collapse_into(scratch, out);
        return;
    }
    let mut s = String::with_capacity(w.len());
    for c in w.nfd() {
        if ('\u{0600}'..='\u{06FF}').contains(&c) {
            push_arabic(c, &mut s);
        } else if ('\u{0300}'..='\u{036F}').contains(&c) || is_apostrophe(c) {
        } else if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                s.push(match l {
                    'ı' => 'i',
                    'ß' => 's',
                    'æ' => 'a',
                    'ø' => 'o',
                    _ => l,
                });
            }
        }
    }
    if !s.is_ascii() {
        out.push_str(&s);
        return;
    }
    collapse_into(s.as_bytes(), out);
}

/// `w` without a possessive `'s` ending.
fn strip_possessive(w: &str) -> &str {
    let Some(stem) = w.strip_suffix('s').or_else(|| w.strip_suffix('S')) else { return w };
    match stem.chars().next_back() {
        Some(c) if is_apostrophe(c) && stem.len() > c.len_utf8() => &stem[..stem.len() - c.len_utf8()],
        _ => w,
    }
}

/// Appends lowercase ASCII letters folded to one spelling per Arabic sound
/// (see [`collapse`]).
fn collapse_into(bytes: &[u8], out: &mut String) {
    // Words of one or two letters ("in", "of", "Om") fold to themselves: cheap, and no name part.
    if bytes.len() <= 2 {
        out.push_str(std::str::from_utf8(bytes).unwrap_or(""));
        return;
    }
    let mut o = [0u8; 32];
    if bytes.len() <= o.len() {
        let n = collapse(bytes, &mut o);
        out.push_str(std::str::from_utf8(&o[..n]).unwrap_or(""));
    } else {
        let mut o = vec![0u8; bytes.len()];
        let n = collapse(bytes, &mut o);
        out.push_str(std::str::from_utf8(&o[..n]).unwrap_or(""));
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Writes the folded form of lowercase ASCII `b` to `o` (at least as long) and
/// returns its length. Vowels are reduced to Arabic's three, so spellings that
/// differ only in them share a key:
/// - `o`, `ou`, `oo` and `ow`, `aw`, `au` before a consonant are `u` ("Jowbar", "Jobar");
/// - `e`, `ee` and `ay`, `ai`, `ey`, `ei` before a consonant are `i` ("Dayr", "Deir", "Der");
/// - a final `e`, `eh` or `ah` is `a`, like the `a` it stands for ("Raqqeh", "Raqqah", "Raqqa");
/// - `y` between `i` and a vowel is dropped ("Hamidiyeh", "Hamidieh");
/// - doubled letters are one.
fn collapse(b: &[u8], o: &mut [u8]) -> usize {
    let len = b.len();
    // A final "eh"/"ah"/"e" (after at least three letters) is a plain "a".
    let (len, final_a) = if len > 4 && b[len - 1] == b'h' && matches!(b[len - 2], b'a' | b'e') {
        (len - 2, true)
    } else if len > 3 && b[len - 1] == b'e' {
        (len - 1, true)
    } else {
        (len, false)
    };
    let consonant_at = |k: usize| k >= len || !is_vowel(b[k]) && b[k] != b'y' && b[k] != b'w';
    let mut n = 0;
    let mut k = 0;
    while k < len {
        let c = b[k];
        if !matches!(c, b'a' | b'e' | b'o' | b'y') {
            // Consonants, `i` and `u` stand for themselves.
            k += 1;
            if n == 0 || o[n - 1] != c || c.is_ascii_digit() {
                o[n] = c;
                n += 1;
            }
            continue;
        }
        let next = if k + 1 < len { b[k + 1] } else { 0 };
        let (m, step) = match (c, next) {
            (b'o', b'u' | b'o') => (b'u', 2),
            (b'e', b'e') => (b'i', 2),
            (b'o' | b'a', b'w') | (b'a', b'u') if k > 0 && consonant_at(k + 2) => (b'u', 2),
            (b'a' | b'e', b'y' | b'i') if k > 0 && consonant_at(k + 2) => (b'i', 2),
            (b'o', _) => (b'u', 1),
            (b'e', _) => (b'i', 1),
            (b'y', _) if n > 0 && o[n - 1] == b'i' && (k + 1 < len && is_vowel(next) || k + 1 == len && final_a) => {
                k += 1;
                continue;
            }
            _ => (c, 1),
        };
        k += step;
        if n > 0 && o[n - 1] == m && !m.is_ascii_digit() {
            continue;
        }
        o[n] = m;
        n += 1;
    }
    if final_a && !(n > 0 && o[n - 1] == b'a') {
        o[n] = b'a';
        n += 1;
    } else if !final_a && n > 3 && o[n - 1] == b'h' && matches!(o[n - 2], b'a' | b'i' | b'u') {
        n -= 1;
    }
    n
}

/// The consonant skeleton of a folded word: first letter kept, later vowels
/// (and `y`, `w` between letters) dropped, `q`→`k`, `gh`→`g`, `c`→`k`, `ph`→`f`, `e`-initial as `a`.
pub fn skeleton(folded: &str) -> String {
    let mut o = String::with_capacity(folded.len());
    skeleton_into(folded, &mut o);
    o
}

/// Appends the skeleton of a folded word (see [`skeleton`]) to `o`.
pub fn skeleton_into(folded: &str, o: &mut String) {
    if !folded.is_ascii() {
        o.push_str(folded);
        return;
    }
    let base = o.len();
    let b = folded.as_bytes();
    let mut k = 0;
    while k < b.len() {
        let c = b[k];
        let next = b.get(k + 1).copied();
        let mapped = match c {
            b'q' | b'c' => b'k',
            b'p' if next == Some(b'h') => {
                k += 1;
                b'f'
            }
            b'g' if next == Some(b'h') => {
                k += 1;
                b'g'
            }
            _ => c,
        };
        let vowel = matches!(mapped, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w');
        if k == 0 {
            o.push(if matches!(mapped, b'e' | b'i' | b'o' | b'u') { 'a' } else { mapped as char });
        } else if !vowel && (o.len() == base || o.as_bytes()[o.len() - 1] != mapped) {
            o.push(mapped as char);
        }
        k += 1;
    }
}

/// Arabic definite articles that transliterations attach, drop or assimilate:
/// `word` is the token as written, `next_folded` the key of the next one.
fn is_article(word: &str, next_folded: Option<&str>) -> bool {
    let mut buf = [0u8; 4];
    let wb = word.as_bytes();
    if wb.is_empty() || wb.len() > buf.len() || !(matches!(wb[0] | 0x20, b'a' | b'e' | b'u' | b'l') || wb[0] == 0xd8) {
        return false;
    }
    for (o, c) in buf.iter_mut().zip(wb) {
        *o = c.to_ascii_lowercase();
    }
    let Ok(folded) = std::str::from_utf8(&buf[..wb.len()]) else { return false };
    match folded {
        "al" | "el" | "ul" | "l" | "ال" => true,
        "ar" | "as" | "ash" | "at" | "ath" | "az" | "an" | "ad" | "adh" | "er" | "es" | "et" | "ez" | "en" | "ed"
        | "ech" => {
            let cons = &folded[1..];
            next_folded.is_some_and(|n| n.starts_with(cons) && n.len() > cons.len())
        }
        _ => false,
    }
}

/// A stream of folded keys over the tokens of a text, with a map from stream
/// offsets back to token indices.
#[derive(Debug, Default)]
pub struct Stream {
    /// Keys joined by single spaces; `|` marks punctuation breaks.
    pub text: String,
    /// For each token in the stream: (stream start, stream end, token index).
    pub spans: Vec<(usize, usize, usize)>,
}

impl Stream {
    /// Token indices covered by the stream range, if it starts and ends on token boundaries.
    pub fn tokens_for(&self, start: usize, end: usize) -> Option<Range<usize>> {
        let i = self.spans.binary_search_by_key(&start, |s| s.0).ok()?;
        let j = self.spans.binary_search_by_key(&end, |s| s.1).ok()?;
        (j >= i).then(|| self.spans[i].2..self.spans[j].2 + 1)
    }
}

/// Builds the exact-fold stream and the skeleton stream for a text's tokens.
pub fn streams(text: &str, tokens: &[Token]) -> (Stream, Stream) {
    let (exact, skel) = build_streams(text, tokens, true);
    (exact, skel.unwrap_or_default())
}

/// Builds only the exact-fold stream; its spans are those of the skeleton
/// stream, whose keys are `skeleton` of the exact keys.
pub fn exact_stream(text: &str, tokens: &[Token]) -> Stream {
    build_streams(text, tokens, false).0
}

fn build_streams(text: &str, tokens: &[Token], with_skel: bool) -> (Stream, Option<Stream>) {
    // All folded keys in one buffer, so the text is folded once without a String per word.
    let mut buf = String::with_capacity(text.len());
    let mut at: Vec<(u32, u32)> = Vec::with_capacity(tokens.len());
    let mut scratch = Vec::new();
    for t in tokens {
        let s = buf.len();
        if t.number {
            buf.push_str(&text[t.range.clone()]);
        } else {
            fold_word_into(&text[t.range.clone()], &mut scratch, &mut buf);
        }
        at.push((s as u32, buf.len() as u32));
    }
    let key = |i: usize| &buf[at[i].0 as usize..at[i].1 as usize];
    let mut exact = Stream { text: String::with_capacity(text.len() + 8), spans: Vec::with_capacity(tokens.len()) };
    let mut skel = Stream {
        text: String::with_capacity(if with_skel { text.len() } else { 0 }),
        spans: Vec::with_capacity(if with_skel { tokens.len() } else { 0 }),
    };
    for (i, t) in tokens.iter().enumerate() {
        let f = key(i);
        if f.is_empty() {
            continue;
        }
        let next = (i + 1 < tokens.len()).then(|| key(i + 1));
        if !t.number && !t.punct_after && is_article(&text[t.range.clone()], next) {
            continue;
        }
        for (st, sk) in [(&mut exact, false), (&mut skel, true)] {
            if sk && !with_skel {
                continue;
            }
            if !st.text.is_empty() {
                st.text.push(' ');
            }
            let s = st.text.len();
            if sk {
                skeleton_into(f, &mut st.text);
            } else {
                st.text.push_str(f);
            }
            st.spans.push((s, st.text.len(), i));
            if t.punct_after {
                st.text.push_str(" |");
            }
        }
    }
    exact.text.push(' ');
    skel.text.push(' ');
    (exact, with_skel.then_some(skel))
}

/// Folds a whole name (several words) to its stream form, for building patterns.
pub fn fold_name(name: &str, skel: bool) -> String {
    let toks = tokenize(name);
    let (e, s) = streams(name, &toks);
    let st = if skel { s } else { e };
    st.text.trim_end().replace(" |", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliteration_variants_share_a_skeleton() {
        let sk = |s: &str| fold_name(s, true);
        assert_eq!(sk("Kafr Nabl"), sk("Kfar Nabl"));
        assert_eq!(sk("Deir ez-Zor"), sk("Dayr az Zor"));
        assert_eq!(sk("Tal Rifaat"), sk("Tell Rif'at"));
        assert_eq!(fold_name("Ar-Raqqa", false), fold_name("Raqqah", false));
        assert_eq!(fold_name("Douma", false), fold_name("Duma", false));
        assert_eq!(fold_name("Jowbar", false), fold_name("Jobar", false));
        assert_eq!(fold_name("Raqqeh", false), fold_name("Raqqah", false));
        assert_eq!(fold_name("Dayr Hafir", false), fold_name("Deir Hafer", false));
        assert_eq!(fold_name("Hamidiyeh", false), fold_name("Hamidieh", false));
        assert_ne!(fold_name("Hama", false), fold_name("Homs", false));
        // "in" before a word in n- is a preposition, not the article "en".
        assert_eq!(fold_name("in Nawa", false), "in nawa");
        assert_eq!(fold_name("Ras en-Naqoura", false), fold_name("Ras al-Naqura", false));
        assert_eq!(fold_name("Deir Hafer", false), fold_name("Dir Hafir", false));
        assert_eq!(fold_name("Al-Bab", false), "bab");
        assert_eq!(fold_name("Ar-Raqqa's", false), fold_name("Raqqa", false));
        assert_eq!(fold_word("Ba’s"), "ba");
        assert_ne!(sk("Hama"), sk("Homs"));
    }

    #[test]
    fn the_exact_stream_alone_equals_the_pair() {
        let t = "Clashes in Tal Rif'at, al-Bab and Ar-Raqqa: 1,200 killed.";
        let toks = tokenize(t);
        let (e, s) = streams(t, &toks);
        let alone = exact_stream(t, &toks);
        assert_eq!((alone.text.as_str(), &alone.spans), (e.text.as_str(), &e.spans));
        let keys: Vec<String> = e.spans.iter().map(|sp| skeleton(&e.text[sp.0..sp.1])).collect();
        let skel: Vec<&str> = s.spans.iter().map(|sp| &s.text[sp.0..sp.1]).collect();
        assert_eq!(keys, skel);
    }

    #[test]
    fn arabic_is_normalised() {
        assert_eq!(fold_word("إدلب"), fold_word("ادلب"));
        assert_eq!(fold_word("حماة"), "حماه");
    }

    #[test]
    fn tokens_keep_byte_ranges_and_apostrophes() {
        let t = "Dar'a, al-Bab 1,200";
        let toks = tokenize(t);
        let words: Vec<&str> = toks.iter().map(|k| &t[k.range.clone()]).collect();
        assert_eq!(words, ["Dar'a", "al", "Bab", "1,200"]);
        assert!(toks[0].punct_after && toks[1].hyphen_after && toks[3].number);
    }
}
