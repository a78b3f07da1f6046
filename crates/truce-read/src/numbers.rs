//! Numbers in words and digits, and casualty counts ("killing three people",
//! "at least 16 dead", "Unknown fatalities coded as 10").

/// Parses one number word or digit string ("three", "1,200", "dozens").
pub fn value(w: &str) -> Option<u32> {
    let b = w.as_bytes();
    if b.iter().all(|c| c.is_ascii_digit() || *c == b',') && b.iter().any(u8::is_ascii_digit) {
        let mut v: u32 = 0;
        for &c in b.iter().filter(|c| c.is_ascii_digit()) {
            v = v.checked_mul(10)?.checked_add((c - b'0') as u32)?;
        }
        return Some(v);
    }
    let mut buf = [0u8; 12];
    if b.len() > buf.len() {
        return None;
    }
    for (o, c) in buf.iter_mut().zip(b) {
        *o = c.to_ascii_lowercase();
    }
    let l = std::str::from_utf8(&buf[..b.len()]).ok()?;
    Some(match l {
        "a" | "an" | "one" | "single" => 1,
        "two" | "both" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        "hundred" => 100,
        "several" | "many" | "some" => 10,
        "dozens" | "scores" | "tens" => 12,
        "hundreds" => 100,
        _ => return None,
    })
}

/// What a sentence says about deaths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deaths {
    /// Sum of the kill counts stated.
    pub sum: u32,
    /// True when some count was stated.
    pub stated: bool,
    /// An explicit coding ("fatalities coded as 10", "3 fatalities allocated to this event").
    pub coded: Option<u32>,
    /// "No fatalities", "no one was killed".
    pub none: bool,
}

pub(crate) const KILL: &[&str] = &[
    "killed",
    "killing",
    "kills",
    "kill",
    "dead",
    "died",
    "die",
    "dies",
    "deaths",
    "death",
    "fatalities",
    "fatality",
    "bodies",
    "executed",
    "executing",
    "slain",
    "lives",
    "perished",
    "martyred",
];
const HURT: &[&str] =
    &["injured", "injuring", "wounded", "wounding", "injuries", "hurt", "captured", "arrested", "missing"];
const NOUNS: &[&str] = &[
    "people",
    "persons",
    "civilians",
    "civilian",
    "soldiers",
    "soldier",
    "fighters",
    "fighter",
    "members",
    "member",
    "militants",
    "militant",
    "rebels",
    "rebel",
    "men",
    "women",
    "children",
    "child",
    "troops",
    "militiamen",
    "militiaman",
    "elements",
    "element",
    "personnel",
    "officers",
    "officer",
    "commander",
    "commanders",
    "others",
    "combatants",
    "gunmen",
    "policemen",
    "of",
    "them",
    "from",
    "the",
    "regime",
    "government",
    "opposition",
    "islamic",
    "state",
    "is",
    "isis",
    "pro",
    "more",
    "than",
    "at",
    "least",
    "were",
    "was",
    "are",
    "have",
    "has",
    "been",
    "reportedly",
    "also",
    "and",
    "including",
    "among",
    "whom",
    "in",
    "islamist",
    "militia",
    "kurdish",
    "sdf",
    "army",
    "his",
    "their",
];

/// Reads casualty statements from the words of one sentence.
#[cfg(test)]
pub fn deaths(words: &[&str]) -> Deaths {
    let lw: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let lw: Vec<&str> = lw.iter().map(String::as_str).collect();
    deaths_lower(words, &lw)
}

/// Reads casualty statements from the words of one sentence and their
/// lower-cased forms (`lw[i]` is `words[i]` lower-cased). Only the words of
/// `KILL` and those of the codings and zeroes below start a statement
/// (`keywords::Kw::DeathCue` lists them all, so callers skip other sentences).
pub fn deaths_lower(words: &[&str], lw: &[&str]) -> Deaths {
    let mut d = Deaths::default();
    let n = lw.len();
    let mut used = vec![false; n];
    for i in 0..n {
        let w = lw[i];
        // Explicit codings.
        if w == "coded" && lw.get(i + 1) == Some(&"as") {
            if let Some(v) = lw.get(i + 2).and_then(|x| value(x)) {
                d.coded = Some(v);
            }
        }
        if (w == "allocated" || w == "attributed") && i >= 2 {
            if let Some(v) = (i.saturating_sub(3)..i)
                .rev()
                .find_map(|k| value(lw[k]).filter(|_| words[k].chars().any(|c| c.is_ascii_digit()) || k + 1 < i))
            {
                d.coded = Some(v);
            }
        }
        if w == "no" || w == "without" || w == "zero" {
            let next: Vec<&str> = lw[i + 1..n.min(i + 4)].to_vec();
            if next.iter().any(|x| {
                matches!(*x, "fatalities" | "casualties" | "deaths" | "losses" | "dead" | "killed" | "one" | "injuries")
            }) {
                d.none = true;
            }
        }
    }
    for i in 0..n {
        let w = lw[i];
        if !KILL.contains(&w) {
            continue;
        }
        if w == "lives" && !(i > 0 && matches!(lw[i - 1], "their" | "his")) {
            continue;
        }
        // Count after a verb: "killing three people", "killed at least 5", "leaving 4 dead".
        if matches!(w, "killing" | "killed" | "kills" | "kill" | "executing" | "executed") {
            let mut k = i + 1;
            while k < n
                && matches!(
                    lw[k],
                    "at" | "least"
                        | "about"
                        | "around"
                        | "some"
                        | "nearly"
                        | "more"
                        | "than"
                        | "up"
                        | "to"
                        | "over"
                        | "almost"
                )
            {
                k += 1;
            }
            if k < n && !used[k] && lw[k] != "a" && lw[k] != "an" {
                if let Some(v) = value(lw[k]) {
                    if !HURT.iter().any(|h| lw.get(k + 1).is_some_and(|x| x == h)) {
                        d.sum += v;
                        d.stated = true;
                        used[k] = true;
                        continue;
                    }
                }
            }
        }
        // Count before: "16 dead", "14 rebel fighters died", "a member ... was killed".
        let lo = i.saturating_sub(7);
        let mut k = i;
        while k > lo {
            k -= 1;
            let x = lw[k];
            if HURT.contains(&x) || KILL.contains(&x) && k + 1 != i {
                break;
            }
            if let Some(v) = value(x) {
                if used[k] {
                    break;
                }
                // "a", "an" only as "a soldier was killed".
                if (x == "a" || x == "an") && !lw.get(k + 1).is_some_and(|y| NOUNS.contains(y)) {
                    break;
                }
                if matches!(x, "some" | "many") && !lw.get(k + 1).is_some_and(|y| NOUNS.contains(y)) {
                    break;
                }
                if lw.get(k + 1).is_some_and(|y| {
                    matches!(
                        *y,
                        "days" | "years" | "hours" | "weeks" | "months" | "areas" | "locations" | "villages" | "events"
                    )
                }) {
                    break;
                }
                if k > 0 && matches!(lw[k - 1], "toll" | "reached" | "to") && d.coded.is_some() {
                    break;
                }
                d.sum += v;
                d.stated = true;
                used[k] = true;
                break;
            }
            if !NOUNS.contains(&x)
                && !x.chars().next().is_some_and(|c| c.is_uppercase())
                && words[k].chars().next().is_some_and(|c| c.is_lowercase())
                && x.len() > 3
                && !x.ends_with("ed")
            {
                break;
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(s: &str) -> Vec<&str> {
        s.split(|c: char| !c.is_alphanumeric() && c != ',')
            .filter(|w| !w.is_empty())
            .map(|w| w.trim_end_matches(','))
            .collect()
    }

    #[test]
    fn counts_in_words_and_digits() {
        assert_eq!(deaths(&ws("raids, killing three people across two locations")).sum, 3);
        assert_eq!(deaths(&ws("At least 14 rebel fighters died in the clashes")).sum, 14);
        assert_eq!(deaths(&ws("One regime soldier died as a result")).sum, 1);
        assert_eq!(deaths(&ws("killing 3 and wounding 5")).sum, 3);
        assert_eq!(deaths(&ws("12 people were injured")).sum, 0);
    }

    #[test]
    fn codings_and_zeroes() {
        assert_eq!(deaths(&ws("Unknown fatalities coded as 10")).coded, Some(10));
        assert!(deaths(&ws("No fatalities were documented")).none);
        let d = deaths(&ws(
            "25 deaths were reported in two areas over the past four days with 3 fatalities allocated to this event",
        ));
        assert_eq!(d.coded, Some(3));
    }
}
