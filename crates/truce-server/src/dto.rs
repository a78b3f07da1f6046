//! The API's JSON shapes (DTOs), separate from engine and domain types. The
//! store keeps incidents and rulings as canonical JSON of the export records;
//! they are read back into these with defaults, so added fields never break.

use serde::{Deserialize, Serialize};
use truce_engine::records::{ContradictionRecord, MentionRecord};
use truce_engine::{IncidentRow, Message, Referral, ReportMetaRow, RulingRow};
use utoipa::ToSchema;

use crate::ApiError;

pub(crate) fn rfc3339_ms(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(|_| ms.to_string(), |t| t.to_string())
}

/// An actor named in an incident.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ActorDto {
    /// Canonical name.
    pub name: String,
    /// ACLED inter code.
    #[serde(default)]
    pub inter: Option<u8>,
}

/// One sentence that mentions an incident.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MentionDto {
    /// Report name.
    pub report: String,
    /// Report id (content hash).
    pub report_id: String,
    /// Byte offset in the report's clean text.
    pub start: usize,
    /// End offset.
    pub end: usize,
    /// The sentence.
    pub text: String,
}

impl MentionDto {
    fn from_record(m: &MentionRecord) -> MentionDto {
        MentionDto {
            report: m.report.clone(),
            report_id: m.report_id.clone(),
            start: m.start,
            end: m.end,
            text: m.text.clone(),
        }
    }
}

/// A recorded incident (the canonical `IncidentRecord`) with its headline verdict.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct IncidentDto {
    /// Stable id.
    pub id: String,
    /// ACLED event type.
    #[serde(default)]
    pub event_type: String,
    /// ACLED sub-event type.
    #[serde(default)]
    pub sub_event_type: String,
    /// `[from, to]`, RFC 3339 UTC.
    #[serde(default)]
    pub time_utc: Vec<String>,
    /// Time precision.
    #[serde(default)]
    pub time_precision: String,
    /// Governorate.
    #[serde(default)]
    pub admin1: Option<String>,
    /// Governorate p-code.
    #[serde(default)]
    pub admin1_pcode: Option<String>,
    /// District.
    #[serde(default)]
    pub admin2: Option<String>,
    /// Location.
    #[serde(default)]
    pub location: Option<String>,
    /// Latitude.
    #[serde(default)]
    pub lat: Option<f64>,
    /// Longitude.
    #[serde(default)]
    pub lon: Option<f64>,
    /// ACLED geo-precision 1–3.
    #[serde(default)]
    pub geo_precision: Option<u8>,
    /// Actors.
    #[serde(default)]
    pub actors: Vec<ActorDto>,
    /// Independent sources.
    #[serde(default)]
    pub sources: u32,
    /// Report names.
    #[serde(default)]
    pub reports: Vec<String>,
    /// Best fatality estimate.
    #[serde(default)]
    pub fatalities: u32,
    /// reported, corroborated, verified, disputed, rejected.
    #[serde(default)]
    pub status: String,
    /// Every mention.
    #[serde(default)]
    pub mentions: Vec<MentionDto>,
    /// The most severe verdict among its rulings (none when not judged).
    #[serde(default)]
    pub verdict: Option<String>,
}

impl IncidentDto {
    pub(crate) fn from_row(row: &IncidentRow) -> Result<IncidentDto, ApiError> {
        let mut i: IncidentDto = serde_json::from_str(&row.body)
            .map_err(|e| ApiError::Internal(format!("stored incident {}: {e}", row.id)))?;
        i.verdict.clone_from(&row.verdict);
        Ok(i)
    }
}

#[derive(Debug, Deserialize)]
struct StoredRuling {
    #[serde(default)]
    responsible: Vec<String>,
    #[serde(default)]
    guarantors: Vec<String>,
    #[serde(default)]
    confidence: f64,
    #[serde(default)]
    trace: Vec<String>,
}

/// One incident judged against one agreement.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct RulingDto {
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// The agreement version used.
    pub agreement_version: i64,
    /// `violation`, `not_covered`, `excluded_party` or `undetermined`.
    pub verdict: String,
    /// Responsible actors.
    pub responsible: Vec<String>,
    /// Guarantors who must act.
    pub guarantors: Vec<String>,
    /// Confidence 0–1 (low confidence is shown, never hidden).
    pub confidence: f64,
    /// The rule trace, step by step.
    pub trace: Vec<String>,
    /// Last change, RFC 3339.
    pub updated_at: String,
}

impl RulingDto {
    pub(crate) fn from_row(row: &RulingRow) -> Result<RulingDto, ApiError> {
        let s: StoredRuling = serde_json::from_str(&row.body)
            .map_err(|e| ApiError::Internal(format!("stored ruling {}@{}: {e}", row.incident_id, row.agreement_key)))?;
        Ok(RulingDto {
            incident_id: row.incident_id.clone(),
            agreement_key: row.agreement_key.clone(),
            agreement_version: row.agreement_version,
            verdict: row.verdict.clone(),
            responsible: s.responsible,
            guarantors: s.guarantors,
            confidence: s.confidence,
            trace: s.trace,
            updated_at: rfc3339_ms(row.updated_at),
        })
    }
}

/// A page of incidents.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentPage {
    /// Incidents, newest first.
    pub items: Vec<IncidentDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A page of rulings.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulingPage {
    /// Rulings by incident and agreement.
    pub items: Vec<RulingDto>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// An incident with its rulings and the contradictions that touch it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentDetail {
    /// The incident.
    pub incident: IncidentDto,
    /// Its rulings, one per agreement in force.
    pub rulings: Vec<RulingDto>,
    /// Contradictions among its reports.
    pub contradictions: Vec<ContradictionDto>,
}

/// Two or more sourced values about one thing that disagree.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct ContradictionDto {
    /// What the values are about.
    pub subject: String,
    /// Each value with the mentions that state it.
    pub sides: Vec<ContradictionSide>,
}

/// One side of a contradiction.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct ContradictionSide {
    /// The value.
    pub value: String,
    /// Where it is stated.
    pub mentions: Vec<MentionDto>,
}

impl ContradictionDto {
    pub(crate) fn from_record(c: &ContradictionRecord) -> ContradictionDto {
        ContradictionDto {
            subject: c.subject.clone(),
            sides: c
                .sides
                .iter()
                .map(|(v, ms)| ContradictionSide {
                    value: v.clone(),
                    mentions: ms.iter().map(MentionDto::from_record).collect(),
                })
                .collect(),
        }
    }
}

/// A stored report's metadata.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportDto {
    /// Content hash.
    pub id: String,
    /// File name or item id.
    pub name: String,
    /// Source.
    pub source: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// `text` or `html`.
    pub media_type: String,
    /// Received, RFC 3339.
    pub received_at: String,
    /// Published, RFC 3339.
    pub published_at: Option<String>,
    /// Bytes.
    pub size: i64,
    /// Arrival order (pass as `before` to page).
    pub seq: i64,
}

impl ReportDto {
    pub(crate) fn from_row(r: &ReportMetaRow) -> ReportDto {
        ReportDto {
            id: r.id.clone(),
            name: r.name.clone(),
            source: r.source.clone(),
            url: r.url.clone(),
            media_type: r.media_type.clone(),
            received_at: rfc3339_ms(r.received_at),
            published_at: r.published_at.map(rfc3339_ms),
            size: r.size,
            seq: r.seq,
        }
    }
}

/// A span the reader found in the clean text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpanDto {
    /// Byte offset in `clean`.
    pub start: usize,
    /// End offset.
    pub end: usize,
    /// `incident`, `term`, `claim`, ….
    pub kind: String,
    /// Sub-event type or term kind.
    pub label: String,
}

/// A report with its raw text, clean text and spans.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetail {
    /// Metadata.
    pub report: ReportDto,
    /// As received.
    pub raw: String,
    /// Clean text; spans are byte ranges into it.
    pub clean: String,
    /// Sentence ranges `[start, end]`.
    pub sentences: Vec<[usize; 2]>,
    /// Mention evidence spans.
    pub spans: Vec<SpanDto>,
}

/// A page of reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportPage {
    /// Newest first.
    pub items: Vec<ReportDto>,
    /// Pass as `before` for the next page.
    pub next_before: Option<i64>,
}

/// What an upload did.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadResult {
    /// Each report in the document.
    pub reports: Vec<UploadedReport>,
    /// Items that failed, with the reason.
    pub failed: Vec<String>,
    /// Incidents known after the pipeline ran.
    pub incidents: usize,
    /// Rulings recorded for the first time.
    pub rulings_new: usize,
    /// Rulings whose content changed.
    pub rulings_changed: usize,
    /// Referrals sent to guarantors.
    pub referrals_created: Vec<String>,
}

/// One report of an upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadedReport {
    /// Content hash.
    pub id: String,
    /// Name.
    pub name: String,
    /// `new` or `already_known`.
    pub stored: String,
}

/// A JSON upload.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UploadJson {
    /// The report text (plain text or HTML).
    pub text: String,
    /// A name (default `upload.txt`).
    #[serde(default)]
    pub name: Option<String>,
    /// The source (an outlet, a monitor).
    #[serde(default)]
    pub source: Option<String>,
}

/// A referral as the inbox shows it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct ReferralDto {
    /// Stable id.
    pub id: String,
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// Guarantor actor key.
    pub guarantor: String,
    /// Guarantor name.
    pub guarantor_name: String,
    /// `open`, `acknowledged` or `escalated`.
    pub state: String,
    /// Verdict (violation).
    pub verdict: String,
    /// Sub-event type.
    pub sub_event_type: String,
    /// `[from, to]` RFC 3339.
    pub time_utc: Vec<String>,
    /// Governorate.
    pub admin1: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Responsible actors.
    pub responsible: Vec<String>,
    /// Every guarantor the ruling names.
    pub guarantors: Vec<String>,
    /// Confidence 0–1.
    pub confidence: f64,
    /// First evidence sentence.
    pub evidence: Option<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Acknowledge by, RFC 3339.
    pub deadline_at: String,
    /// Acknowledged at.
    pub acked_at: Option<String>,
    /// Acknowledged by.
    pub acked_by: Option<String>,
    /// Escalated at.
    pub escalated_at: Option<String>,
}

impl ReferralDto {
    pub(crate) fn from_referral(r: &Referral) -> ReferralDto {
        let s = &r.summary;
        ReferralDto {
            id: r.id.clone(),
            incident_id: r.incident_id.clone(),
            agreement_key: r.agreement_key.clone(),
            guarantor: r.guarantor.clone(),
            guarantor_name: s.guarantor_name.clone(),
            state: r.state().to_owned(),
            verdict: s.verdict.clone(),
            sub_event_type: s.sub_event_type.clone(),
            time_utc: s.time_utc.to_vec(),
            admin1: s.admin1.clone(),
            location: s.location.clone(),
            responsible: s.responsible.clone(),
            guarantors: s.guarantors.clone(),
            confidence: s.confidence,
            evidence: s.evidence.clone(),
            created_at: r.created_at.to_string(),
            deadline_at: r.deadline_at.to_string(),
            acked_at: r.acked_at.map(|t| t.to_string()),
            acked_by: r.acked_by.clone(),
            escalated_at: r.escalated_at.map(|t| t.to_string()),
        }
    }
}

/// A referral with its case's reply thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDetail {
    /// The referral.
    pub referral: ReferralDto,
    /// The case thread (shared by the guarantors referred for the case).
    pub thread: Vec<MessageDto>,
}

/// A message of a reply thread.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageDto {
    /// Order.
    pub seq: i64,
    /// Author.
    pub author: String,
    /// Author's role.
    pub author_role: String,
    /// Text.
    pub body: String,
    /// RFC 3339.
    pub at: String,
}

impl MessageDto {
    pub(crate) fn from_message(m: &Message) -> MessageDto {
        MessageDto {
            seq: m.seq,
            author: m.author.clone(),
            author_role: m.author_role.clone(),
            body: m.body.clone(),
            at: m.at.to_string(),
        }
    }
}

/// A reply.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplyRequest {
    /// The text.
    pub body: String,
}

/// Name and password. `Debug` leaves out the password.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// User name.
    pub name: String,
    /// Password.
    pub password: String,
}

/// Who is signed in. `Debug` leaves out the CSRF token.
#[derive(Serialize, ToSchema)]
pub struct MeDto {
    /// User name.
    pub name: String,
    /// Role.
    pub role: String,
    /// The CSRF token to send as `x-csrf-token` with cookie sessions.
    pub csrf: Option<String>,
}

/// A new API token (shown once). `Debug` leaves out the token.
#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

/// A token request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// What the token is for.
    #[serde(default)]
    pub label: Option<String>,
}

/// A new user. `Debug` leaves out the password.
#[derive(Deserialize, ToSchema)]
pub struct NewUserRequest {
    /// Login name.
    pub name: String,
    /// `admin`, `analyst`, `guarantor:<actor-key>` or `observer`.
    pub role: String,
    /// At least 8 characters.
    pub password: String,
}

/// What `Debug` prints instead of a secret.
const REDACTED: &str = "[redacted]";

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest").field("name", &self.name).field("password", &REDACTED).finish()
    }
}

impl std::fmt::Debug for MeDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeDto")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("csrf", &self.csrf.as_ref().map(|_| REDACTED))
            .finish()
    }
}

impl std::fmt::Debug for TokenDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenDto").field("token", &REDACTED).finish()
    }
}

impl std::fmt::Debug for NewUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUserRequest")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("password", &REDACTED)
            .finish()
    }
}

/// A user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
}

/// An agreement with its terms, each with sources.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementDto {
    /// Key.
    pub key: String,
    /// Version.
    pub version: u32,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: String,
    /// Effective from, RFC 3339 UTC.
    pub effective_from: String,
    /// Effective from, local time in its zone.
    pub effective_local: String,
    /// Until, when set.
    pub effective_until: Option<String>,
    /// Scope in words.
    pub scope: String,
    /// Parties.
    pub parties: Vec<PartyDto>,
    /// Guarantors.
    pub guarantors: Vec<GuarantorDto>,
    /// Excluded actors (names).
    pub exclusions: Vec<String>,
    /// The linkage rule.
    pub linkage: String,
    /// Instruments.
    pub instruments: Vec<String>,
    /// Obligations.
    pub obligations: Vec<String>,
    /// Acknowledgement window for referrals, minutes.
    pub ack_minutes: u32,
    /// Sources quoted.
    pub sources: Vec<SourceDto>,
}

/// A party.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyDto {
    /// Actor key.
    pub actor: String,
    /// Name.
    pub name: String,
    /// `signatory` or `acknowledged`.
    pub role: String,
}

/// A guarantor.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuarantorDto {
    /// Actor key.
    pub actor: String,
    /// Name.
    pub name: String,
    /// `guarantee` or `monitor`.
    pub role: String,
    /// Sides it answers for.
    pub answers_for_sides: Vec<String>,
    /// Actors it answers for.
    pub answers_for_actors: Vec<String>,
}

/// A quoted source.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDto {
    /// Who.
    pub source: String,
    /// The quote.
    pub quote: String,
}

/// Violations per day and governorate.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineDto {
    /// The agreement, when one was asked for.
    pub agreement: Option<String>,
    /// The as-of time of a replay, when one was asked for.
    pub as_of: Option<String>,
    /// First day shown.
    pub from: String,
    /// Day after the last day shown.
    pub to: String,
    /// One row per day and governorate with violations.
    pub days: Vec<TimelineRow>,
}

/// Violations on one day in one governorate.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct TimelineRow {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Governorate (empty when unknown).
    pub admin1: String,
    /// Violations.
    pub violations: i64,
}

/// Search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    /// Matching incidents.
    pub incidents: Vec<IncidentDto>,
    /// Matching reports (monitors only).
    pub reports: Vec<ReportHit>,
}

/// A report found by search.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportHit {
    /// The report.
    pub report: ReportDto,
    /// Text around the hits, hits in `[…]`.
    pub snippet: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_secrets() {
        let secret = "s3cret-horse-battery";
        let login: LoginRequest =
            serde_json::from_value(serde_json::json!({"name": "ada", "password": secret})).unwrap();
        let new_user: NewUserRequest =
            serde_json::from_value(serde_json::json!({"name": "obs2", "role": "observer", "password": secret}))
                .unwrap();
        let me = MeDto { name: "ada".into(), role: "admin".into(), csrf: Some(secret.into()) };
        let token = TokenDto { token: secret.into() };
        for shown in [format!("{login:?}"), format!("{new_user:?}"), format!("{me:?}"), format!("{token:?}")] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
        assert!(format!("{login:?}").contains("ada"), "the name is still shown");
        // The JSON the client needs still carries the secret.
        assert!(serde_json::to_string(&token).unwrap().contains(secret));
    }
}
