//! Identifiers: content hashes, report ids, p-codes and slugs.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::ModelError;

/// A SHA-256 digest, kept as 64 lowercase hex characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(String);

impl ContentHash {
    /// Hashes `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(hex::encode(Sha256::digest(bytes)))
    }

    /// Parses a hex digest, rejecting anything but 64 hex digits.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(s.to_ascii_lowercase()))
        } else {
            Err(ModelError::new("sha256", format!("expected 64 hex digits, got {s:?}")))
        }
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A report is identified by the SHA-256 of its content: the same bytes are one report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportId(ContentHash);

impl ReportId {
    /// The id of a report with this content.
    pub fn for_content(bytes: &[u8]) -> Self {
        Self(ContentHash::of(bytes))
    }

    /// Parses a stored id.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        ContentHash::parse(s).map(Self)
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The first 12 hex digits, for people.
    pub fn short(&self) -> &str {
        &self.0.as_str()[..12]
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An incident's id: stable across re-merges, derived from its founding evidence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IncidentId(String);

impl IncidentId {
    /// Accepts `inc-` followed by 1–64 lowercase alphanumerics.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        let ok = s.strip_prefix("inc-").is_some_and(|rest| {
            !rest.is_empty() && rest.len() <= 64 && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ModelError::new("incident id", format!("expected inc-<alphanumeric>, got {s:?}")))
        }
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !s.starts_with('-')
}

macro_rules! slug_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Accepts a lowercase slug of letters, digits, `-` and `_`.
            pub fn parse(s: &str) -> Result<Self, ModelError> {
                if is_slug(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(ModelError::new($field, format!("expected a lowercase slug, got {s:?}")))
                }
            }

            /// The slug text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_type!(
    /// The stable key of an actor in the registry, e.g. `nusra-jfs-hts`.
    ActorKey,
    "actor key"
);
slug_type!(
    /// The stable key of an agreement, e.g. `sy-ceasefire-2016-12-30`.
    AgreementKey,
    "agreement key"
);

/// An OCHA place code: `SY` followed by 2 (admin1), 4 (admin2), 6 (admin3) or more digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PCode(String);

impl PCode {
    /// Parses a p-code such as `SY05` or `SY0500`, case-insensitively.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        let up = s.trim().to_ascii_uppercase();
        let digits = up.strip_prefix("SY").unwrap_or("");
        if digits.len() >= 2 && digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(up))
        } else {
            Err(ModelError::new("pcode", format!("expected SY followed by digits, got {s:?}")))
        }
    }

    /// The admin level implied by the length: 1 for `SY05`, 2 for `SY0500`, 3 for `SY050000`, 4 beyond.
    pub fn level(&self) -> u8 {
        match self.0.len() - 2 {
            0..=2 => 1,
            3..=4 => 2,
            5..=6 => 3,
            _ => 4,
        }
    }

    /// The governorate p-code this code falls under.
    pub fn admin1(&self) -> PCode {
        PCode(self.0[..4].to_owned())
    }

    /// Whether `self` is `other` or lies inside it by the p-code hierarchy.
    pub fn within(&self, other: &PCode) -> bool {
        self.0.starts_with(&other.0)
    }

    /// The code text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_id_is_sha256_of_content() {
        let id = ReportId::for_content(b"abc");
        assert_eq!(id.as_str(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(ReportId::parse(id.as_str()).unwrap(), id);
        assert!(ReportId::parse("xyz").is_err());
    }

    #[test]
    fn pcode_levels_and_hierarchy() {
        let hama = PCode::parse("sy05").unwrap();
        let district = PCode::parse("SY0500").unwrap();
        assert_eq!(hama.level(), 1);
        assert_eq!(district.level(), 2);
        assert!(district.within(&hama));
        assert!(!hama.within(&district));
        assert_eq!(district.admin1(), hama);
        assert!(PCode::parse("SYX1").is_err());
        assert!(PCode::parse("TR01").is_err());
    }

    #[test]
    fn slugs_reject_spaces_and_capitals() {
        assert!(ActorKey::parse("nusra-jfs-hts").is_ok());
        assert!(ActorKey::parse("Nusra Front").is_err());
        assert!(AgreementKey::parse("").is_err());
        assert!(IncidentId::parse("inc-3fa9").is_ok());
        assert!(IncidentId::parse("inc-").is_err());
    }
}
