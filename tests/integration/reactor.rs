//! The reactor's protections, end to end on moto: loop protection for snapback's own role,
//! the flap limit, duplicate deliveries, modes, cross-account reverts through an assumed role,
//! and `snapback react` reading a stream on stdin.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::SystemTime;

use serde_json::json;
use snapback::aws::{Factory, Settings};
use snapback::decision_log::{Recorder, Redactor};
use snapback::reactor::{Config, ModeOverride, Reactor};

use common::{
    ACCOUNT, endpoint, engine, event, react, reactor, sdk_config, spool, status, stopped_trail,
    unique,
};

fn stop(name: &str) -> snapback::Event {
    event(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": name}),
    )
}

#[tokio::test]
async fn events_caused_by_snapback_itself_are_skipped() {
    let config = sdk_config().await;
    let (name, ct) = stopped_trail(&config).await;
    let engine = engine();
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());
    let settings = Settings {
        endpoint_url: Some(endpoint()),
        home_account: Some(ACCOUNT.into()),
        ..Settings::default()
    };
    // The test events are made by the Developer role; call it snapback's own.
    let cfg = Config {
        mode: ModeOverride::Enforce,
        self_roles: vec![format!("arn:aws:iam::{ACCOUNT}:role/Developer")],
        ..Config::default()
    };
    let reactor = Reactor::new(engine, recorder, Factory::new(settings).await, spool(), cfg);
    let record = reactor.handle(&stop(&name), SystemTime::now()).await.record;
    assert_eq!(record.decision, snapback::Outcome::Skipped);
    assert!(
        record.reason.contains("snapback's own role"),
        "{}",
        record.reason
    );
    assert_eq!(
        ct.get_trail_status()
            .name(&name)
            .send()
            .await
            .unwrap()
            .is_logging,
        Some(false)
    );
}

#[tokio::test]
async fn a_flapping_resource_is_no_longer_reverted() {
    let config = sdk_config().await;
    let (name, ct) = stopped_trail(&config).await;
    let reactor = reactor(ModeOverride::Enforce).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        ct.stop_logging().name(&name).send().await.unwrap();
        statuses.push(status(&react(&reactor, &stop(&name)).await));
    }
    assert_eq!(statuses, ["applied", "applied", "applied", "flap_limited"]);
    assert_eq!(
        ct.get_trail_status()
            .name(&name)
            .send()
            .await
            .unwrap()
            .is_logging,
        Some(false)
    );
}

#[tokio::test]
async fn policy_mode_follows_each_policy() {
    let config = sdk_config().await;
    let (name, ct) = stopped_trail(&config).await;
    // cloudtrail-logging-stopped is @mode("enforce"); cloudtrail-trail-deleted is detect-only.
    let reactor = reactor(ModeOverride::Policy).await;
    assert_eq!(status(&react(&reactor, &stop(&name)).await), "applied");
    assert_eq!(
        ct.get_trail_status()
            .name(&name)
            .send()
            .await
            .unwrap()
            .is_logging,
        Some(true)
    );
    let delete = event(
        "cloudtrail.amazonaws.com",
        "DeleteTrail",
        json!({"name": name}),
    );
    let record = react(&reactor, &delete).await;
    assert_eq!(record.decision, snapback::Outcome::NonCompliant);
    assert_eq!(status(&record), "none", "detect-only");
}

#[tokio::test]
async fn cross_account_reverts_assume_the_configured_role() {
    let member = "111111111111";
    // Act in the member account as moto does: through credentials of a role assumed there.
    let base = sdk_config().await;
    let sts = aws_sdk_sts::Client::new(&base);
    let creds = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{member}:role/snapback-remediator"))
        .role_session_name("setup")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let member_config = base
        .to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    creds.access_key_id,
                    creds.secret_access_key,
                    Some(creds.session_token),
                    None,
                    "member",
                ),
            ),
        )
        .build();
    let (name, ct) = stopped_trail(&member_config).await;
    let engine = engine();
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());
    let settings = Settings {
        endpoint_url: Some(endpoint()),
        home_account: Some(ACCOUNT.into()),
        cross_account_role: Some("snapback-remediator".into()),
        ..Settings::default()
    };
    let cfg = Config {
        mode: ModeOverride::Enforce,
        ..Config::default()
    };
    let reactor = Reactor::new(engine, recorder, Factory::new(settings).await, spool(), cfg);
    let mut e = stop(&name);
    e.record.insert("recipientAccountId".into(), json!(member));
    let record = reactor.handle(&e, SystemTime::now()).await.record;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        ct.get_trail_status()
            .name(&name)
            .send()
            .await
            .unwrap()
            .is_logging,
        Some(true)
    );
}

#[tokio::test]
async fn react_streams_stdin_and_dry_run_changes_nothing() {
    let config = sdk_config().await;
    let (name, ct) = stopped_trail(&config).await;
    let dir = std::env::temp_dir().join(unique("react-cli"));
    let line = serde_json::to_string(&stop(&name).original()).unwrap();
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_snapback"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("react")
            .args(args)
            .args(["--endpoint-url", &endpoint(), "--dead-letter"])
            .arg(&dir)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{line}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let dry = run(&["--dry-run"]);
    let record: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(
        record["remediation"]["status"],
        "planned",
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert_eq!(dry.status.code(), Some(2));
    assert_eq!(
        ct.get_trail_status()
            .name(&name)
            .send()
            .await
            .unwrap()
            .is_logging,
        Some(false)
    );

    let live = run(&[]);
    let record: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    assert_eq!(
        record["remediation"]["status"],
        "applied",
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    assert_eq!(live.status.code(), Some(0));
    assert_eq!(
        ct.get_trail_status()
            .name(&name)
            .send()
            .await
            .unwrap()
            .is_logging,
        Some(true)
    );
}
