//! Development tasks that read the development data beside the project
//! (`../shared`, or `TRUCE_SHARED`), which product code never does.
//!
//! `cargo xtask eval [--limit N]` builds the release `truce`, then:
//! 1. ACLED dev rows and FA-KES dev articles: makes the inputs with
//!    `eval/truce_eval.py input`, runs `truce extract --jsonl`, and prints every
//!    metric of `truce_eval.py score` (first mention per report for ACLED);
//! 2. merge: builds FA-KES article pairs (`scripts/merge_pairs.py`: same date and
//!    place vs the same place more than a week apart) and prints the precision
//!    and recall of `truce bench merge-pairs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail, ensure};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("eval") => eval(&args[1..]),
        _ => bail!("usage: cargo xtask eval [--limit N]   (N ACLED rows, default 2000; 0 = all)"),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace root").to_path_buf()
}

fn eval(args: &[String]) -> Result<()> {
    let mut limit = 2000usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--limit" => {
                let v = it.next().context("--limit needs a number")?;
                limit = v.parse().with_context(|| format!("--limit: {v:?} is not a number"))?;
            }
            other => bail!("eval: unknown argument {other:?}"),
        }
    }
    let root = root();
    let shared = std::env::var_os("TRUCE_SHARED").map(PathBuf::from).unwrap_or_else(|| root.join("../shared"));
    let eval_py = shared.join("eval/truce_eval.py");
    let acled = shared.join("data/events/acled_syria_battles_dev.csv.gz");
    let fakes = shared.join("data/news/fakes_dev.csv");
    for f in [&eval_py, &acled, &fakes] {
        ensure!(f.is_file(), "eval: missing {} (set TRUCE_SHARED to the shared folder)", f.display());
    }
    run(Command::new("cargo").args(["build", "--release", "--quiet", "-p", "truce-cli"]).current_dir(&root))?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let truce = target.join("release/truce");
    let work = std::env::temp_dir().join(format!("truce-eval-{}", std::process::id()));
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let result = (|| {
        let lim: Vec<String> = if limit == 0 { vec![] } else { vec!["--limit".into(), limit.to_string()] };
        let label = if limit == 0 { "all".to_string() } else { format!("first {limit}") };
        for (set, gold, title) in [
            ("acled", &acled, format!("ACLED dev, {label} rows (first mention per report)")),
            ("fakes", &fakes, "FA-KES dev".to_string()),
        ] {
            let lim: &[String] = if set == "acled" { &lim } else { &[] };
            let input = work.join(format!("{set}.jsonl"));
            let output = work.join(format!("{set}.out.jsonl"));
            capture(Command::new("python3").arg(&eval_py).args(["input", set]).arg(gold).args(lim), &input)?;
            capture(Command::new(&truce).args(["extract", "--jsonl"]).arg(&input), &output)?;
            println!("== {title}");
            run(Command::new("python3").arg(&eval_py).args(["score", set]).arg(gold).arg(&output).args(lim))?;
        }
        let pairs = work.join("pairs.jsonl");
        capture(Command::new("python3").arg(root.join("scripts/merge_pairs.py")).arg(&fakes), &pairs)?;
        println!(
            "== merge: FA-KES article pairs, same event (same date and place) vs different (same place, >7 days apart)"
        );
        run(Command::new(&truce).args(["bench", "merge-pairs"]).arg(&pairs))
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn describe(c: &Command) -> String {
    std::iter::once(c.get_program()).chain(c.get_args()).map(|s| s.to_string_lossy()).collect::<Vec<_>>().join(" ")
}

fn run(c: &mut Command) -> Result<()> {
    let what = describe(c);
    let status = c.status().with_context(|| format!("running {what}"))?;
    ensure!(status.success(), "{what}: exited with {status}");
    Ok(())
}

fn capture(c: &mut Command, out: &Path) -> Result<()> {
    let what = describe(c);
    let file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let status = c.stdout(Stdio::from(file)).status().with_context(|| format!("running {what}"))?;
    ensure!(status.success(), "{what}: exited with {status}");
    Ok(())
}
