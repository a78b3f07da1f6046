//! Sentence splitting with byte offsets: line breaks end sentences; `.`, `!`
//! and `?` end them unless they close an abbreviation, an initial or a
//! clock time followed by a zone ("5 p.m. ET").

use std::ops::Range;

const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "gen", "col", "lt", "sgt", "capt", "maj", "brig", "gov", "sen", "rep", "prof", "no", "vs", "etc", "jr", "sr",
    "inc", "ltd", "co", "corp", "mt", "ft", "adm", "cmdr", "pres", "approx", "est", "dept", "fig", "al", "e.g", "i.e",
    "u.s", "u.n", "u.k", "a.m", "p.m", "mln", "bn",
];

const ZONES: &[&str] = &["ET", "EST", "EDT", "GMT", "UTC", "CET", "EET", "PT", "PST", "CT", "local"];
const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

fn word_before(text: &str, dot: usize) -> &str {
    let head = &text[..dot];
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    &head[start..]
}

fn next_word(text: &str, from: usize) -> &str {
    let rest = &text[from..];
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '“' | '\'' | '‘' | '('));
    let end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
    &rest[..end]
}

/// `w` lower-cased (ASCII) in `buf`, or a string no abbreviation equals when longer.
fn lower8<'b>(w: &str, buf: &'b mut [u8; 8]) -> &'b str {
    if w.len() > buf.len() || !w.is_ascii() {
        return "-";
    }
    for (o, c) in buf.iter_mut().zip(w.as_bytes()) {
        *o = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..w.len()]).unwrap_or("-")
}

/// Splits `text` into trimmed, non-empty sentence ranges.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let push = |out: &mut Vec<Range<usize>>, s: usize, e: usize| {
        let seg = &text[s..e];
        let ls = seg.len() - seg.trim_start().len();
        let t = seg.trim();
        if !t.is_empty() {
            out.push(s + ls..s + ls + t.len());
        }
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            push(&mut out, start, i);
            start = i + 1;
        } else if c == b'.' || c == b'!' || c == b'?' {
            // Extend over closing quotes and brackets.
            let mut j = i + 1;
            while j < b.len() {
                let ch = text[j..].chars().next().unwrap_or(' ');
                if matches!(ch, '"' | '”' | '’' | '\'' | ')' | ']' | '.' | '!' | '?') {
                    j += ch.len_utf8();
                } else {
                    break;
                }
            }
            if j < b.len() && !(b[j] == b' ' || b[j] == b'\t' || b[j] == b'\n' || b[j] == b'\r') {
                i = j.max(i + 1);
                continue;
            }
            let nw = next_word(text, j);
            let first = nw.chars().next();
            let starts_sentence =
                first.is_some_and(|f| f.is_uppercase() || f.is_ascii_digit() || !f.is_alphabetic()) || nw.is_empty();
            let mut boundary = starts_sentence;
            if c == b'.' && boundary {
                let w = word_before(text, i);
                let mut buf = [0u8; 8];
                let wl = lower8(w, &mut buf);
                let initial = w.len() == 1 && w.chars().all(|ch| ch.is_uppercase());
                let dotted = w.contains('.') && w.len() <= 6;
                if wl == "a.m" || wl == "p.m" {
                    boundary = !(ZONES.contains(&nw) || WEEKDAYS.contains(&nw));
                } else if initial
                    || (ABBREV.contains(&wl) && wl != "est" && wl != "no")
                    || (dotted && !nw.is_empty() && !["The", "It", "He", "She", "They", "In", "A"].contains(&nw))
                {
                    boundary = false;
                }
                if wl == "no" && nw.chars().all(|ch| ch.is_ascii_digit()) {
                    boundary = false;
                }
            }
            if boundary {
                push(&mut out, start, j);
                start = j;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push(&mut out, start, b.len());
    out
}

#[cfg(test)]
mod tests {
    use super::split;

    fn sents(t: &str) -> Vec<&str> {
        split(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        let t = "Mr. Putin met U.N. envoys. Sergei K. Shoigu spoke on Jan. 5 in Moscow. It ended.";
        assert_eq!(
            sents(t),
            ["Mr. Putin met U.N. envoys.", "Sergei K. Shoigu spoke on Jan. 5 in Moscow.", "It ended."]
        );
    }

    #[test]
    fn clock_time_with_zone_stays_in_one_sentence() {
        let t = "The truce began at midnight local time (5 p.m. ET) on Thursday. Clashes followed.";
        assert_eq!(sents(t).len(), 2);
        let t = "It starts by 5 p.m. ET on Thursday. Then talks.";
        assert_eq!(sents(t), ["It starts by 5 p.m. ET on Thursday.", "Then talks."]);
        let t = "It began at 5 p.m. The guns fell silent.";
        assert_eq!(sents(t).len(), 2);
    }

    #[test]
    fn quotes_and_lines() {
        let t = "\"We will win,\" he said. \"No.\" She left.\n- list item one\n- list item two";
        let s = sents(t);
        assert_eq!(s[0], "\"We will win,\" he said.");
        assert_eq!(s[1], "\"No.\"");
        assert_eq!(s[2], "She left.");
        assert_eq!(s[3], "- list item one");
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn offsets_index_the_text() {
        let t = "  One. Two!  Three?";
        for r in split(t) {
            assert!(!t[r.clone()].starts_with(' ') && !t[r].ends_with(' '));
        }
    }
}
