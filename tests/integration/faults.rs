//! When AWS fails, nothing is lost: against a fault-injecting endpoint (500s, throttling, or
//! nothing listening) reverts are retried with backoff, the circuit breaker opens, events go to
//! the dead-letter spool, and `snapback redrive` against the recovered service (moto) reverts
//! them all. Also checks that the SDK's own retries are off: one HTTP request per attempt.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use serde_json::json;
use snapback::aws::{Factory, Settings};
use snapback::decision_log::{Recorder, Redactor};
use snapback::reactor::{Config, ModeOverride, Reactor};
use snapback::resilience::{BreakerConfig, RetryPolicy, SpoolDir};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use common::{ACCOUNT, endpoint, engine, event, sdk_config, stopped_trail, unique};

#[derive(Clone, Copy, Debug)]
enum Fault {
    ServerError,
    Throttling,
    Unreachable,
}

/// Serve `fault` on a free loopback port; returns the endpoint and the request counter.
async fn faulty(fault: Fault) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    if let Fault::Unreachable = fault {
        drop(listener);
        return (url, count);
    }
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    // Read one request: headers, then Content-Length bytes of body.
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    while buf.len() < end + 4 + length {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..end + 4 + length);
                    counter.fetch_add(1, Ordering::SeqCst);
                    let (status, body) = match fault {
                        Fault::ServerError => (
                            "500 Internal Server Error",
                            r#"{"__type":"InternalFailure","message":"injected failure"}"#,
                        ),
                        _ => (
                            "400 Bad Request",
                            r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
                        ),
                    };
                    let response = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, count)
}

async fn run(fault: Fault) {
    let (trail, ct) = stopped_trail(&sdk_config().await).await;
    let (url, requests) = faulty(fault).await;
    let spool_dir = std::env::temp_dir().join(unique("snapback-fault-spool"));
    let engine = engine();
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());
    let settings = Settings {
        endpoint_url: Some(url),
        home_account: Some(ACCOUNT.to_owned()),
        ..Settings::default()
    };
    let config = Config {
        mode: ModeOverride::Enforce,
        retry: RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(5),
            cap: Duration::from_millis(20),
        },
        breaker: BreakerConfig {
            consecutive: 2,
            cool_down: Duration::from_secs(600),
            ..BreakerConfig::default()
        },
        deadline: Duration::from_secs(10),
        ..Config::default()
    };
    let reactor = Reactor::new(
        engine,
        recorder,
        Factory::new(settings).await,
        SpoolDir::new(&spool_dir).unwrap(),
        config,
    );

    let events: Vec<_> = (0..3)
        .map(|_| {
            event(
                "cloudtrail.amazonaws.com",
                "StopLogging",
                json!({"name": trail}),
            )
        })
        .collect();
    let mut statuses = Vec::new();
    for e in &events {
        let handled = reactor.handle(e, SystemTime::now()).await;
        assert!(handled.dead_lettered, "{fault:?}: {:?}", handled.record);
        let r = handled.record.remediation.unwrap();
        statuses.push((r.status.as_str(), r.attempts));
    }
    assert_eq!(
        statuses,
        [
            ("dead_lettered", 3),
            ("dead_lettered", 3),
            ("breaker_open", 0)
        ],
        "{fault:?}"
    );
    if !matches!(fault, Fault::Unreachable) {
        assert_eq!(
            requests.load(Ordering::SeqCst),
            6,
            "{fault:?}: one HTTP request per attempt, no SDK retries"
        );
    }
    assert_eq!(reactor.breakers.opened.load(Ordering::Relaxed), 1);
    let letters = SpoolDir::new(&spool_dir).unwrap().list().unwrap();
    assert_eq!(letters.len(), 3, "{fault:?}: every event dead-lettered");

    // The service recovers: redrive against moto reverts them and empties the spool.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_snapback"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "redrive",
            "--mode",
            "enforce",
            "--endpoint-url",
            &endpoint(),
            "--dead-letter",
        ])
        .arg(&spool_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{fault:?}: {stderr}");
    assert!(
        stderr.contains("3 replayed and removed, 0 kept"),
        "{stderr}"
    );
    let statuses: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["remediation"]["status"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(statuses, ["applied", "noop", "noop"]);
    assert!(
        SpoolDir::new(&spool_dir)
            .unwrap()
            .list()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ct.get_trail_status()
            .name(&trail)
            .send()
            .await
            .unwrap()
            .is_logging,
        Some(true)
    );
}

#[tokio::test]
async fn server_errors_are_retried_dead_lettered_and_redriven() {
    run(Fault::ServerError).await;
}

#[tokio::test]
async fn throttling_is_retried_dead_lettered_and_redriven() {
    run(Fault::Throttling).await;
}

#[tokio::test]
async fn an_unreachable_service_is_dead_lettered_and_redriven() {
    run(Fault::Unreachable).await;
}
