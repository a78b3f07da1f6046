//! Numbers in words and digits, and casualty counts ("killing three people",
//! "at least 16 dead", "Unknown fatalities coded as 10").

/// Parses one number word or digit string ("three", "1,200", "dozens").
pub fn value(w: &str) -> Option<u32> {
    let b = w.as_bytes();
    if b.iter().all(|c| c.is_ascii_digit() || *c == b',') && b.iter().any(u8::is_ascii_digit) {
        // "1,200" is one number; "4,3,3" is a list, read as its first item.
        let mut groups = w.split(',');
        let first = groups.next().unwrap_or("");
        if w.contains(',') && !groups.all(|g| g.len() == 3) {
            return first.parse().ok();
        }
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
    /// The toll is divided over this many events or places ("divided on X and Y").
    pub parts: Option<u32>,
    /// The share of this event stated outright ("four were noted in this location").
    pub here: Option<u32>,
}

/// Every word that starts a statement `deaths_lower` reads.
pub(crate) const TRIGGERS: &[&str] = &[
    "coded",
    "code",
    "recorded",
    "allocated",
    "attributed",
    "no",
    "without",
    "zero",
    "divided",
    "spread",
    "distributed",
    "split",
    "location",
    "event",
    "killed",
    "killing",
    "kills",
    "kill",
    "dead",
    "died",
    "die",
    "dies",
    "dying",
    "deaths",
    "death",
    "fatalities",
    "fatality",
    "bodies",
    "executed",
    "executing",
    "assassinated",
    "slain",
    "lives",
    "perished",
    "martyred",
    "body",
    "succumbed",
];

pub(crate) const KILL: &[&str] = &[
    "dying",
    "assassinated",
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
    "succumbed",
];
const HURT: &[&str] =
    &["injured", "injuring", "wounded", "wounding", "injuries", "hurt", "captured", "arrested", "missing"];
const NOUNS: &[&str] = &[
    "groups",
    "group",
    "factions",
    "faction",
    "forces",
    "force",
    "militias",
    "side",
    "sides",
    "citizens",
    "citizen",
    "residents",
    "insurgents",
    "jihadists",
    "individuals",
    "armed",
    "other",
    "fighting",
    "policeman",
    "man",
    "woman",
    "boy",
    "girl",
    "children",
    "soldiers",
    "islamist",
    "rebel",
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

/// Singular nouns for one person, as news and coders write victims: "killed a
/// regime soldier", "the body of a QSD fighter", "his escort was killed".
const PERSON: &[&str] = &[
    "soldier",
    "fighter",
    "member",
    "commander",
    "leader",
    "official",
    "officer",
    "civilian",
    "man",
    "woman",
    "child",
    "boy",
    "girl",
    "militant",
    "militiaman",
    "policeman",
    "gunman",
    "rebel",
    "jihadist",
    "insurgent",
    "defector",
    "driver",
    "escort",
    "bodyguard",
    "pilot",
    "sniper",
    "shepherd",
    "farmer",
    "doctor",
    "nurse",
    "teacher",
    "journalist",
    "activist",
    "resident",
    "youth",
    "citizen",
    "recruit",
    "conscript",
    "cadre",
    "emir",
    "sheikh",
    "mukhtar",
    "judge",
    "volunteer",
    "worker",
    "trader",
    "student",
    "elder",
    "person",
    "individual",
    "brigadier",
    "colonel",
    "general",
    "lieutenant",
    "captain",
    "major",
    "sergeant",
];

/// Words that may stand between "a" and the person noun ("a former opposition rebel
/// commander", "a high-ranking HTS military official"); capitalised names pass too.
const PERSON_MODIFIERS: &[&str] = &[
    "former",
    "senior",
    "local",
    "regime",
    "government",
    "opposition",
    "rebel",
    "military",
    "security",
    "high",
    "ranking",
    "high-ranking",
    "prominent",
    "young",
    "elderly",
    "old",
    "pro",
    "pro-government",
    "pro-regime",
    "field",
    "reconciled",
    "suspected",
    "alleged",
    "islamist",
    "kurdish",
    "turkish",
    "russian",
    "iranian",
    "syrian",
    "lebanese",
    "iraqi",
    "foreign",
    "female",
    "male",
    "militia",
    "police",
    "army",
    "armed",
    "jihadist",
    "unarmed",
    "displaced",
    "medical",
    "media",
    "media-",
    "top",
    "ranked",
    "high-ranked",
    "leading",
    "key",
    "veteran",
    "well-known",
    "notable",
    "tribal",
    "religious",
    "druze",
    "christian",
    "alawite",
    "sunni",
    "shia",
    "shiite",
    "sdf",
    "qsd",
    "ypg",
    "fsa",
    "hts",
    "is",
    "isis",
];

/// Whether the words from `k` read "a (modifiers) <person>": one person.
fn one_person_at(words: &[&str], lw: &[&str], brk: &dyn Fn(usize) -> bool, k: usize) -> bool {
    if !matches!(lw.get(k), Some(&"a" | &"an")) {
        return false;
    }
    for j in k + 1..lw.len().min(k + 8) {
        if PERSON.contains(&lw[j]) {
            // "a member of ..." is one person; "a number" was refused above.
            return true;
        }
        let joiner = matches!(lw[j], "al" | "el" | "ad" | "as" | "ash" | "ar" | "at" | "az" | "bin" | "ibn" | "abu");
        if (PERSON_MODIFIERS.contains(&lw[j]) || is_name(words[j]) || joiner) && !brk(j) {
            continue;
        }
        return false;
    }
    false
}

/// Whether a singular person noun is the subject of the kill word at `i`:
/// "his escort was killed", "an HTS commander, Abu al-Layth, was shot and killed",
/// "the body of a fighter" (`i` on "body").
fn one_person_before(words: &[&str], lw: &[&str], i: usize) -> bool {
    if lw[i] == "body" {
        return i + 2 < lw.len() && lw[i + 1] == "of" && matches!(lw[i + 2], "a" | "an");
    }
    if !matches!(lw[i], "killed" | "dead" | "assassinated" | "executed" | "slain" | "died" | "succumbed") {
        return false;
    }
    // Back over adverbs and a second verb to "was" ("was shot and killed", "was reportedly killed").
    let mut k = i;
    while k > 0 && matches!(lw[k - 1], "shot" | "and" | "reportedly" | "later" | "also" | "subsequently" | "found") {
        k -= 1;
    }
    let was = k > 0 && lw[k - 1] == "was";
    let died = matches!(lw[i], "died" | "succumbed");
    if !(was || died) {
        return false;
    }
    let mut j = if was { k - 1 } else { i };
    // Back over an apposition of names ("commander, Abu al-Layth al Masri,").
    let mut steps = 0;
    while j > 0 && steps < 8 {
        j -= 1;
        steps += 1;
        if PERSON.contains(&lw[j]) {
            let lo = j.saturating_sub(5);
            let Some(art) =
                (lo..j).rev().find(|&q| matches!(lw[q], "a" | "an" | "his" | "her" | "their" | "the" | "one"))
            else {
                return false;
            };
            return !(art..j).any(|q| value(lw[q]).is_some_and(|v| v > 1));
        }
        if !(is_name(words[j]) || matches!(lw[j], "al" | "el" | "abu" | "bin" | "ibn" | "-" | "who")) {
            return false;
        }
    }
    false
}

/// Reads casualty statements from the words of one sentence.
#[cfg(test)]
pub fn deaths(words: &[&str]) -> Deaths {
    let lw: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let lw: Vec<&str> = lw.iter().map(String::as_str).collect();
    deaths_lower(words, &lw, &[])
}

/// Words before a count that do not end the count's phrase ("at least 5").
fn qualifier(w: &str) -> bool {
    matches!(
        w,
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
            | "approximately"
            | "roughly"
            | "another"
            | "additional"
    )
}

/// A count word that stands for a number of people: digits, number words,
/// and "a"/"an" only before a person noun ("an opposition fighter").
fn count_at(words: &[&str], lw: &[&str], k: usize, before: bool) -> Option<u32> {
    let x = lw[k];
    let v = value(x)?;
    let next = lw.get(k + 1).copied().unwrap_or("");
    let vague = if before { matches!(x, "a" | "an" | "some" | "many") } else { matches!(x, "a" | "an") };
    if vague && !NOUNS.contains(&next) {
        return None;
    }
    if x == "both" && matches!(next, "sides" | "parties" | "side") {
        return None;
    }
    if matches!(x, "a" | "an") && matches!(next, "number" | "total" | "result" | "day" | "week") {
        return None;
    }
    if matches!(
        next,
        "days"
            | "years"
            | "hours"
            | "weeks"
            | "months"
            | "areas"
            | "locations"
            | "villages"
            | "events"
            | "towns"
            | "times"
    ) {
        return None;
    }
    // "4 of the 10", "1,200 km" are not what the nouns check can tell; digits are trusted.
    let _ = words;
    Some(v)
}

/// Number of parts a toll is divided over: "divided on Hober and Burda" (2),
/// "spread over 3 events", "across both events", "across four locations".
fn parts_after(words: &[&str], lw: &[&str], punct: &[bool], i: usize) -> Option<u32> {
    let n = lw.len();
    for k in i + 1..n.min(i + 6) {
        if lw[k] == "both" {
            return Some(2);
        }
        if let Some(v) = value(lw[k]).filter(|_| !matches!(lw[k], "a" | "an" | "some" | "many" | "several")) {
            let unit = lw[k + 1..n.min(k + 3)].iter().any(|u| {
                matches!(*u, "events" | "locations" | "areas" | "places" | "villages" | "towns" | "sites" | "fronts")
            });
            if unit && (2..=20).contains(&v) {
                return Some(v);
            }
        }
    }
    // A list of places: capitalised items separated by commas or "and".
    let k0 = (i + 1..n.min(i + 4)).find(|&k| matches!(lw[k], "on" | "between" | "across" | "over" | "among" | "in"))?;
    let mut items = 0u32;
    let mut open = false;
    for k in k0 + 1..n {
        let w = words[k];
        let cap = w.chars().next().is_some_and(|c| c.is_uppercase());
        if lw[k] == "and" || lw[k] == "&" {
            open = false;
        } else if cap || w.chars().all(|c| c.is_ascii_digit() || c == '/') {
            if !open {
                items += 1;
                open = true;
            }
        } else if w.len() > 3 && !matches!(lw[k], "respectively") {
            break;
        }
        if punct.get(k).copied().unwrap_or(false) {
            open = false;
        }
    }
    (items >= 2).then_some(items)
}

/// Reads casualty statements from the words of one sentence and their
/// lower-cased forms (`lw[i]` is `words[i]` lower-cased); `punct[i]` is true
/// when punctuation follows word `i` (empty when unknown). Only the words of
/// `TRIGGERS` start a statement (`keywords::Kw::DeathCue` lists them all, so
/// callers skip other sentences).
pub fn deaths_lower(words: &[&str], lw: &[&str], punct: &[bool]) -> Deaths {
    let mut d = Deaths::default();
    let n = lw.len();
    // A closing tally on its own ("1 fatality.", "2 fatalities."), as coders write
    // them: the event's total, not more deaths.
    if (2..=3).contains(&n) && matches!(lw[1], "fatality" | "fatalities") && (n == 2 || lw[2] == "reported") {
        if let Some(v) = value(lw[0]).filter(|_| words[0].chars().all(|c| c.is_ascii_digit()) || lw[0] == "one") {
            d.coded = Some(v);
            return d;
        }
    }
    let brk = |k: usize| punct.get(k).copied().unwrap_or(false);
    let mut used = vec![false; n];
    let (mut coded_at, mut parts_at) = (None, None);
    for i in 0..n {
        let w = lw[i];
        // Explicit codings: "coded as 10", "coded at 10", "coded fatalities to 10", "recorded at 10",
        // "coded as an additional 10 with total fatalities coded as 12" (the last one holds).
        let code_typo = w == "code" && lw.get(i + 1) == Some(&"as");
        let precision = i > 0 && matches!(lw[i - 1], "geoprecision" | "precision");
        if (w == "coded" || w == "recorded" || code_typo) && !precision {
            let mut k = i + 1;
            while k < n
                && k <= i + 4
                && matches!(lw[k], "as" | "at" | "to" | "an" | "additional" | "fatalities" | "total" | "of")
            {
                k += 1;
            }
            let counted = k < n && !matches!(lw[k], "a" | "an" | "some" | "many" | "several");
            if let Some(v) = lw.get(k).and_then(|x| value(x)).filter(|_| counted) {
                if w != "recorded" || lw[i + 1] == "at" {
                    d.coded = Some(v);
                    coded_at = Some(i);
                }
            }
        }
        if (w == "allocated" || w == "attributed") && i >= 2 {
            if let Some(v) = (i.saturating_sub(3)..i)
                .rev()
                .find_map(|k| value(lw[k]).filter(|_| words[k].chars().any(|c| c.is_ascii_digit()) || k + 1 < i))
            {
                d.coded = Some(v);
                coded_at = Some(i);
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
        if matches!(w, "divided" | "spread" | "distributed" | "split") {
            if let Some(p) = parts_after(words, lw, punct, i) {
                d.parts = Some(p);
                parts_at = Some(i);
            }
        }
        // "four were noted in this location".
        if w == "this" && lw.get(i + 1).is_some_and(|x| matches!(*x, "location" | "event")) {
            if let Some(v) = (i.saturating_sub(5)..i).find_map(|k| {
                value(lw[k]).filter(|_| !matches!(lw[k], "a" | "an" | "some" | "many" | "several" | "one"))
            }) {
                d.here = Some(v);
            }
        }
    }
    for i in 0..n {
        let w = lw[i];
        if w == "body" {
            // "the body of a QSD fighter".
            if one_person_before(words, lw, i) && !used[i] {
                d.sum += 1;
                d.stated = true;
                used[i] = true;
            }
            continue;
        }
        if !KILL.contains(&w) {
            continue;
        }
        if w == "lives" && !(i > 0 && matches!(lw[i - 1], "their" | "his")) {
            continue;
        }
        // One person: "shot and killed a regime soldier", "his escort was killed".
        if matches!(w, "killing" | "killed" | "kills" | "kill" | "executing" | "executed" | "assassinated")
            && i + 1 < n
            && !used[i + 1]
            && count_at(words, lw, i + 1, false).is_none()
            && one_person_at(words, lw, &brk, i + 1)
        {
            d.sum += 1;
            d.stated = true;
            used[i + 1] = true;
            continue;
        }
        // "the death of a worker", "led to his immediate death", "killing the commander",
        // "stabbed a YPG fighter to death".
        let of_one =
            matches!(w, "death" | "deaths") && lw.get(i + 1) == Some(&"of") && one_person_at(words, lw, &brk, i + 2);
        let his = w == "death"
            && (i >= 1 && matches!(lw[i - 1], "his" | "her")
                || i >= 2
                    && matches!(lw[i - 2], "his" | "her")
                    && matches!(lw[i - 1], "immediate" | "instant" | "later"));
        let the_one = matches!(w, "killing" | "killed" | "kills")
            && lw.get(i + 1) == Some(&"the")
            && lw.get(i + 2).is_some_and(|x| PERSON.contains(x))
            && !lw.get(i + 3).is_some_and(|x| *x == "of" || *x == "and");
        let to_death = w == "death"
            && i >= 2
            && lw[i - 1] == "to"
            && (i.saturating_sub(9)..i - 1).any(|k| one_person_at(words, lw, &brk, k));
        if (of_one || his || the_one || to_death) && !used[i] {
            d.sum += 1;
            d.stated = true;
            used[i] = true;
            continue;
        }
        if one_person_before(words, lw, i) && !used[i] {
            d.sum += 1;
            d.stated = true;
            used[i] = true;
            continue;
        }
        // Count after a verb: "killing three people", "killed at least 5", "the killing of one fighter".
        if matches!(
            w,
            "killing" | "killed" | "kills" | "kill" | "executing" | "executed" | "assassinated" | "death" | "deaths"
        ) {
            let mut k = i + 1;
            let noun = matches!(w, "death" | "deaths");
            if noun && lw.get(k) != Some(&"of") {
                k = n;
            }
            while k < n && (qualifier(lw[k]) || lw[k] == "of" && matches!(w, "killing" | "death" | "deaths")) {
                k += 1;
            }
            if k < n && !used[k] {
                if let Some(v) = count_at(words, lw, k, false) {
                    let hurt = HURT.iter().any(|h| lw.get(k + 1).is_some_and(|x| x == h));
                    if !(hurt || k > i + 1 && brk(k - 1)) {
                        d.sum += v;
                        d.stated = true;
                        used[k] = true;
                        // "killing an opposition fighter and at least 4 more civilians".
                        let mut j = k + 1;
                        while j < n
                            && j <= k + 5
                            && !brk(j - 1)
                            && lw[j] != "and"
                            && (NOUNS.contains(&lw[j]) || is_name(words[j]))
                        {
                            j += 1;
                        }
                        if j < n && lw[j] == "and" && !brk(j - 1) {
                            let mut q = j + 1;
                            while q < n && qualifier(lw[q]) {
                                q += 1;
                            }
                            if q < n && !used[q] {
                                if let Some(v2) = count_at(words, lw, q, false).filter(|_| !matches!(lw[q], "a" | "an"))
                                {
                                    if !HURT.iter().any(|h| lw.get(q + 1).is_some_and(|x| x == h)) {
                                        d.sum += v2;
                                        used[q] = true;
                                    }
                                }
                            }
                        }
                        continue;
                    }
                }
            }
        }
        // Count before: "16 dead", "2 Fighters of the Islamic armed groups were killed",
        // "8 civilians and 2 fighters ... were killed".
        let lo = i.saturating_sub(12);
        let mut k = i;
        while k > lo {
            k -= 1;
            if brk(k) && k + 1 < i {
                break;
            }
            let x = lw[k];
            if HURT.contains(&x) || KILL.contains(&x) && k + 1 != i {
                break;
            }
            if value(x).is_some() {
                if used[k] {
                    break;
                }
                let Some(v) = count_at(words, lw, k, true) else { break };
                if k > 0 && matches!(lw[k - 1], "toll" | "reached" | "to") && d.coded.is_some() {
                    break;
                }
                d.sum += v;
                d.stated = true;
                used[k] = true;
                // A coordinated count before it: "8 civilians and 2 fighters".
                if k >= 3 && lw[k - 1] == "and" && !brk(k - 2) {
                    let mut j = k - 2;
                    while j > 0 && j + 4 > k && !brk(j - 1) && (NOUNS.contains(&lw[j]) || is_name(words[j])) {
                        if value(lw[j]).is_some() {
                            break;
                        }
                        j -= 1;
                    }
                    if !used[j] {
                        if let Some(v2) = count_at(words, lw, j, true).filter(|_| !matches!(lw[j], "a" | "an")) {
                            d.sum += v2;
                            used[j] = true;
                        }
                    }
                }
                break;
            }
            // Other words may sit in the noun phrase ("10 Islamic State suicide bombers were
            // killed"); a new clause may not.
            if matches!(
                x,
                "which"
                    | "while"
                    | "whereas"
                    | "after"
                    | "when"
                    | "as"
                    | "since"
                    | "but"
                    | "because"
                    | "where"
                    | "during"
                    | "amid"
                    | "following"
                    | "with"
                    | "by"
                    | "than"
            ) {
                break;
            }
        }
    }
    // A coding after the division is this event's share ("split between 4
    // events, with 6 allocated to Jellin"); a coded count under ten before it
    // is one already ("coded as 5, split between 2 events").
    if let (Some(p), Some(c)) = (parts_at, coded_at) {
        if c > p || d.coded.is_some_and(|v| v < 10) {
            d.parts = None;
        }
    }
    d
}

/// A capitalised word: part of a name inside a noun phrase ("Islamic State fighters").
fn is_name(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
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
    fn counts_in_noun_phrases_and_coordinations() {
        assert_eq!(deaths(&ws("2 Fighters of the Islamic armed groups were killed during clashes")).sum, 2);
        assert_eq!(deaths(&ws("8 civilians and 2 fighters from the Islamic factions were killed")).sum, 10);
        assert_eq!(deaths(&ws("The clashes resulted in the killing of at least one opposition fighter")).sum, 1);
        assert_eq!(deaths(&ws("killing an opposition fighter and at least 4 more civilians")).sum, 5);
        assert_eq!(deaths(&ws("Fighters on both sides were killed")).sum, 0);
        assert_eq!(deaths(&ws("10 Islamic State suicide bombers were killed in fierce clashes")).sum, 10);
        assert_eq!(deaths(&ws("the bodies of 15 Free Syrian Army members who were killed")).sum, 15);
        assert_eq!(deaths(&ws("resulting in the death of 3 fighters and a civilian")).sum, 3);
        assert_eq!(deaths(&ws("Unidentified gunmen assassinated 2 TIP fighters")).sum, 2);
    }

    #[test]
    fn a_closing_tally_is_the_total() {
        let d = deaths(&ws("2 fatalities"));
        assert_eq!((d.coded, d.sum), (Some(2), 0));
        assert_eq!(deaths(&ws("1 fatality")).coded, Some(1));
        // Inside a sentence it is a count like any other.
        assert_eq!(deaths(&ws("the attack caused 3 fatalities among the fighters")).sum, 3);
    }

    #[test]
    fn one_person_named_by_a_singular_noun() {
        assert_eq!(deaths(&ws("gunmen shot and killed an Ahrar al Sharqiyah fighter near Jarablus")).sum, 1);
        assert_eq!(deaths(&ws("killed a former opposition rebel commander who had reconciled")).sum, 1);
        assert_eq!(deaths(&ws("On 26 April 2019 , a Hurras al Deen fighter was shot dead by gunmen")).sum, 1);
        assert_eq!(deaths(&ws("the body of a QSD fighter was found in the village")).sum, 1);
        assert_eq!(deaths(&ws("As a result , his escort was killed")).sum, 1);
        assert_eq!(deaths(&ws("an unidentified armed individual stabbed a YPG fighter to death in")).sum, 1);
        assert_eq!(deaths(&ws("The attack resulted in the death of a worker at the plant")).sum, 1);
        assert_eq!(deaths(&ws("shot a fighter in Azaz , which led to his immediate death")).sum, 1);
        assert_eq!(deaths(&ws("an Islamist faction fighter succumbed to wounds received")).sum, 1);
        assert_eq!(deaths(&ws("opened fire on a vehicle , killing the commander")).sum, 1);
        // Not one person: a vehicle, a number of them, two named before.
        assert_eq!(deaths(&ws("gunmen shot and killed a number of soldiers")).sum, 0);
        assert_eq!(deaths(&ws("an attack killed a donkey near the road")).sum, 0);
        assert_eq!(deaths(&ws("the 3 soldiers were killed")).sum, 3);
    }

    #[test]
    fn divisions_and_shares() {
        let d = deaths(&ws("Unknown fatalities are coded as 10 and divided on Hober and Burda"));
        assert_eq!((d.coded, d.parts), (Some(10), Some(2)));
        assert_eq!(deaths(&ws("Unknown number of fatalities coded as 10 spread over 3 events")).parts, Some(3));
        assert_eq!(deaths(&ws("Fatalities spread across both events")).parts, Some(2));
        let d = deaths(&ws("21 total fatalities split between 4 events, with 6 allocated to Jellin"));
        assert_eq!((d.coded, d.parts), (Some(6), None));
        assert_eq!(deaths(&ws("Unknown fatalities coded as 5, split between 2 events")).parts, None);
        assert_eq!(deaths(&ws("four were noted in this location")).here, Some(4));
        assert_eq!(deaths(&ws("Coded as 4,3,3 respectively")).coded, Some(4));
        assert_eq!(deaths(&ws("geoprecision coded to 2 since")).coded, None);
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
