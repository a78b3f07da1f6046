//! `truce user add` and `truce serve` as a user runs them: a user created from
//! stdin signs in to a served store over HTTP.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn truce(args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn user_add_then_serve_and_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let out =
        truce(&["user", "add", "tur", "--role", "guarantor:turkey", "--password-stdin", "--db", &db], "s3cret-pass\n");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created"));
    let bad =
        truce(&["user", "add", "x", "--role", "guarantor:atlantis", "--password-stdin", "--db", &db], "s3cret-pass\n");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("atlantis"));
    let short = truce(&["user", "add", "y", "--role", "observer", "--password-stdin", "--db", &db], "short\n");
    assert_eq!(short.status.code(), Some(1));
    let list = truce(&["user", "list", "--db", &db], "");
    assert!(String::from_utf8_lossy(&list.stdout).contains("guarantor:turkey"));

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["serve", "--db", &db, "--listen", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let result = rt.block_on(async {
        let t0 = Instant::now();
        let mut conn = loop {
            match truce_server::client::Conn::connect(&addr).await {
                Ok(c) => break c,
                Err(_) if t0.elapsed() < Duration::from_secs(60) => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Err(e) => panic!("server did not start: {e}"),
            }
        };
        conn.request(
            "POST",
            "/api/v1/session",
            &[("Content-Type", "application/json")],
            br#"{"name":"tur","password":"s3cret-pass"}"#,
        )
        .await
        .unwrap()
    });
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(result.status, 200, "{}", result.text());
    assert_eq!(result.json()["role"], "guarantor:turkey");
    assert!(result.header("set-cookie").unwrap().contains("HttpOnly"));
}
