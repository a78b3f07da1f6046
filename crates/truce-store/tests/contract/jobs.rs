//! The job queue's contract, on both stores: claims never overlap, leases run
//! out and are taken again, failures end `failed` with their error.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};
use truce_store::{JobRow, JobState, NewJob, Store, Stored};

use super::{each_store, now, report};

fn job(kind: &str, key: Option<&str>, max_attempts: u32) -> NewJob {
    NewJob { kind: kind.into(), key: key.map(str::to_owned), payload: "{}".into(), max_attempts }
}

fn at(ms: i64) -> Timestamp {
    now() + SignedDuration::from_millis(ms)
}

fn ids(rows: &[JobRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

#[tokio::test]
async fn concurrent_claimers_never_share_a_job_and_each_is_done_once() {
    each_store(async |store, db| {
        let mut all = BTreeSet::new();
        for i in 0..120 {
            let id = store.enqueue_job(&job("ingest", Some(&format!("k{i}")), 3), now()).await.unwrap().unwrap();
            all.insert(id);
        }
        // Six claimers, each with its own pool (its own connections), as separate processes would be.
        let mut tasks = Vec::new();
        for w in 0..6 {
            let url = db.url.clone();
            tasks.push(tokio::spawn(async move {
                let s = Store::open(&url).await.unwrap();
                let name = format!("w{w}");
                let (mut claimed, mut done) = (Vec::new(), Vec::new());
                loop {
                    let got = s.claim_jobs(&name, 3, at(600_000), now()).await.unwrap();
                    if got.is_empty() {
                        break;
                    }
                    for j in got {
                        assert_eq!(
                            (j.state.as_str(), j.attempts, j.locked_by.as_deref()),
                            ("running", 1, Some(&*name))
                        );
                        claimed.push(j.id);
                        tokio::task::yield_now().await;
                        assert!(s.complete_job(j.id, &name, None, now()).await.unwrap(), "{name} lost job {}", j.id);
                        done.push(j.id);
                    }
                }
                s.close().await;
                (claimed, done)
            }));
        }
        let (mut claimed, mut done) = (Vec::new(), Vec::new());
        let mut busy = 0;
        for t in tasks {
            let (c, d) = t.await.unwrap();
            busy += usize::from(!c.is_empty());
            claimed.extend(c);
            done.extend(d);
        }
        claimed.sort_unstable();
        done.sort_unstable();
        assert_eq!(claimed, all.iter().copied().collect::<Vec<_>>(), "{}: every job claimed exactly once", db.url);
        assert_eq!(done, claimed, "{}", db.url);
        assert!(busy >= 2, "{}: only {busy} claimer(s) got work", db.url);
        let counts = store.job_counts().await.unwrap();
        assert_eq!(counts.iter().map(|c| (c.state.as_str(), c.n)).collect::<Vec<_>>(), vec![("done", 120)]);
        assert_eq!(store.open_job_count().await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn an_expired_lease_is_claimed_again_and_its_old_holder_is_refused() {
    each_store(async |store, db| {
        let id = store.enqueue_job(&job("ingest", Some("a"), 3), now()).await.unwrap().unwrap();
        let first = store.claim_jobs("dead", 1, at(1_000), now()).await.unwrap();
        assert_eq!(ids(&first), vec![id]);
        assert!(store.claim_jobs("other", 1, at(1_500), at(500)).await.unwrap().is_empty(), "lease still live");
        let again = store.claim_jobs("other", 1, at(3_000), at(2_000)).await.unwrap();
        assert_eq!(ids(&again), vec![id], "{}: expired lease not reclaimed", db.url);
        assert_eq!((again[0].attempts, again[0].locked_by.as_deref()), (2, Some("other")));
        // The first holder comes back: every write of its is refused.
        assert!(!store.extend_job_lease(id, "dead", at(9_000), at(2_100)).await.unwrap());
        assert!(!store.complete_job(id, "dead", None, at(2_100)).await.unwrap());
        assert_eq!(store.fail_job(id, "dead", "late", at(2_100)).await.unwrap(), None);
        let r = report("late ingest", "2016-12-30T00:10:00Z");
        let late = store.complete_ingest_job(id, "dead", std::slice::from_ref(&r), None, None, at(2_100)).await;
        assert_eq!(late.unwrap(), None);
        assert_eq!(store.report_count().await.unwrap(), 0, "a fenced completion stores nothing");
        // The new holder keeps its lease alive and finishes.
        assert!(store.extend_job_lease(id, "other", at(10_000), at(2_900)).await.unwrap());
        assert!(store.claim_jobs("third", 1, at(12_000), at(5_000)).await.unwrap().is_empty(), "extended lease");
        let out = store.complete_ingest_job(id, "other", &[r], None, None, at(5_000)).await.unwrap();
        assert_eq!(out, Some(vec![Stored::New]));
        let row = store.job(id).await.unwrap();
        assert_eq!((row.state.as_str(), row.attempts, row.lease_until), ("done", 2, None));
        assert_eq!(store.report_count().await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_failing_job_is_retried_then_failed_with_its_error() {
    each_store(async |store, db| {
        let id = store.enqueue_job(&job("ingest", Some("bad"), 3), now()).await.unwrap().unwrap();
        for attempt in 1..=3 {
            let got = store.claim_jobs("w", 1, at(60_000), at(attempt)).await.unwrap();
            assert_eq!(ids(&got), vec![id], "{}: attempt {attempt}", db.url);
            assert_eq!(got[0].attempts, attempt);
            let state = store.fail_job(id, "w", &format!("boom {attempt}"), at(attempt)).await.unwrap();
            let want = if attempt < 3 { JobState::Queued } else { JobState::Failed };
            assert_eq!(state, Some(want), "{}: attempt {attempt}", db.url);
        }
        assert!(store.claim_jobs("w", 1, at(60_000), at(10)).await.unwrap().is_empty(), "failed is final");
        let row = store.job(id).await.unwrap();
        assert_eq!((row.state.as_str(), row.attempts, row.error.as_deref()), ("failed", 3, Some("boom 3")));
        assert_eq!(ids(&store.jobs_in(JobState::Failed, 10).await.unwrap()), vec![id]);
        // The same content may be queued again once its job has failed.
        assert!(store.enqueue_job(&job("ingest", Some("bad"), 3), now()).await.unwrap().is_some());

        // A job whose worker dies on every attempt fails when its last lease runs out.
        let dies = store.enqueue_job(&job("ingest", Some("dies"), 2), now()).await.unwrap().unwrap();
        store.fail_job(id, "w", "x", now()).await.unwrap();
        let mut t = 100_000;
        for _ in 0..2 {
            let got = store.claim_jobs("mortal", 5, at(t + 1_000), at(t)).await.unwrap();
            assert!(ids(&got).contains(&dies), "{}", db.url);
            t += 5_000;
        }
        store.claim_jobs("w", 5, at(t + 1_000), at(t)).await.unwrap();
        let row = store.job(dies).await.unwrap();
        assert_eq!((row.state.as_str(), row.attempts), ("failed", 2), "{}", db.url);
        let err = row.error.unwrap_or_default();
        assert!(err.contains("lease of mortal ran out on attempt 2 of 2"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn enqueue_is_idempotent_by_key_and_queued_judges_coalesce() {
    each_store(async |store, db| {
        let a = store.enqueue_job(&job("ingest", Some("same"), 3), now()).await.unwrap();
        assert!(a.is_some());
        assert_eq!(store.enqueue_job(&job("ingest", Some("same"), 3), now()).await.unwrap(), None, "{}", db.url);
        assert!(store.enqueue_job(&job("other", Some("same"), 3), now()).await.unwrap().is_some(), "keys are per kind");
        let j1 = store.enqueue_coalesced("judge", "{}", 3, now()).await.unwrap();
        assert!(j1.is_some());
        assert_eq!(store.enqueue_coalesced("judge", "{}", 3, now()).await.unwrap(), None, "{}", db.url);
        let counts = store.job_counts().await.unwrap();
        let queued: Vec<(&str, i64)> = counts.iter().map(|c| (c.kind.as_str(), c.n)).collect();
        assert_eq!(queued, vec![("ingest", 1), ("judge", 1), ("other", 1)]);
    })
    .await;
}

#[tokio::test]
async fn a_judge_waits_for_the_ingest_before_it_and_runs_alone() {
    each_store(async |store, db| {
        let i1 = store.enqueue_job(&job("ingest", Some("1"), 3), now()).await.unwrap().unwrap();
        let j1 = store.enqueue_coalesced("judge", "{}", 3, now()).await.unwrap().unwrap();
        let i2 = store.enqueue_job(&job("ingest", Some("2"), 3), now()).await.unwrap().unwrap();
        let lease = at(60_000);
        let got = store.claim_jobs("a", 5, lease, now()).await.unwrap();
        assert_eq!(ids(&got), vec![i1, i2], "{}: the judge waits for ingest job {i1}", db.url);
        assert!(store.claim_jobs("b", 5, lease, now()).await.unwrap().is_empty());
        store.complete_job(i1, "a", None, now()).await.unwrap();
        let got = store.claim_jobs("b", 5, lease, now()).await.unwrap();
        assert_eq!(ids(&got), vec![j1], "{}: a later ingest job does not hold the judge back", db.url);
        // A second judge queued now waits until the running one is finished.
        let j2 = store.enqueue_coalesced("judge", "{}", 3, now()).await.unwrap().unwrap();
        store.complete_job(i2, "a", None, now()).await.unwrap();
        assert!(store.claim_jobs("c", 5, lease, now()).await.unwrap().is_empty(), "{}: two judges at once", db.url);
        store.complete_job(j1, "b", None, now()).await.unwrap();
        assert_eq!(ids(&store.claim_jobs("c", 5, lease, now()).await.unwrap()), vec![j2]);
    })
    .await;
}

#[tokio::test]
async fn completing_an_ingest_job_stores_its_reports_and_queues_one_judge() {
    each_store(async |store, db| {
        let a = store.enqueue_job(&job("ingest", Some("a"), 3), now()).await.unwrap().unwrap();
        let b = store.enqueue_job(&job("ingest", Some("b"), 3), now()).await.unwrap().unwrap();
        let got = store.claim_jobs("w", 2, at(60_000), now()).await.unwrap();
        assert_eq!(ids(&got), vec![a, b]);
        let r1 = report("shelling in Hama", "2016-12-30T00:10:00Z");
        let r2 = report("clashes in Idlib", "2016-12-30T00:20:00Z");
        let judge = Some(("judge", "{}", 3));
        let out = store.complete_ingest_job(a, "w", &[r1.clone(), r2], None, judge, now()).await.unwrap();
        assert_eq!(out, Some(vec![Stored::New, Stored::New]), "{}", db.url);
        let out = store.complete_ingest_job(b, "w", &[r1], Some("note"), judge, now()).await.unwrap();
        assert_eq!(out, Some(vec![Stored::AlreadyKnown]));
        assert_eq!(store.job(b).await.unwrap().error.as_deref(), Some("note"));
        assert_eq!(store.report_count().await.unwrap(), 2);
        let counts = store.job_counts().await.unwrap();
        let c: Vec<(&str, &str, i64)> = counts.iter().map(|c| (c.kind.as_str(), c.state.as_str(), c.n)).collect();
        assert_eq!(c, vec![("ingest", "done", 2), ("judge", "queued", 1)], "{}", db.url);
        let chain = store.verify_chain().await.unwrap();
        assert_eq!((chain.entries, chain.first_break), (2, None));
    })
    .await;
}
