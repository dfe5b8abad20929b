//! End to end: the built `bootstrap` binary against a test double of the Lambda Runtime API
//! (the documented 2018-06-01 interface), with moto as AWS. It feeds EventBridge events and
//! checks the revert, the responses, the decision log lines and the EMF lines on stdout; and
//! that an invalid policy set fails init through `/runtime/init/error`.
//!
//! It also prints the init time (process start to the first `/next`), the cold-start figure in
//! docs/deploy.md. That figure is reported, never asserted; benches/lambda-init.sh runs this
//! harness on a release build to measure it.

use crate::common;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{
    ACCOUNT, REGION, broken_policies, endpoint, event, eventbridge, sdk_config, stopped_trail,
    unique,
};

/// What the runtime double saw.
#[derive(Default)]
struct State {
    pending: VecDeque<(String, Value)>,
    /// Time of the first `GET /next`.
    first_next: Option<Instant>,
    responses: Vec<(String, Value)>,
    errors: Vec<(String, Value)>,
    init_errors: Vec<(String, Value)>,
}

struct RuntimeApi {
    addr: String,
    state: Arc<(Mutex<State>, Condvar)>,
}

impl RuntimeApi {
    fn start(events: Vec<Value>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let state = Arc::new((Mutex::new(State::default()), Condvar::new()));
        state.0.lock().unwrap().pending = events.into_iter().map(|e| (unique("req"), e)).collect();
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Self { addr, state }
    }

    /// Wait until every event has an answer (or the time is up).
    fn wait_answered(&self, n: usize, limit: Duration) {
        let (lock, cvar) = &*self.state;
        let mut state = lock.lock().unwrap();
        let until = Instant::now() + limit;
        while state.responses.len() + state.errors.len() < n && Instant::now() < until {
            state = cvar
                .wait_timeout(state, Duration::from_millis(100))
                .unwrap()
                .0;
        }
    }
}

/// One connection: HTTP/1.1 requests, kept alive, as the runtime client sends them.
fn serve(stream: TcpStream, shared: &Arc<(Mutex<State>, Condvar)>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((k, v)) = header.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let (lock, cvar) = &**shared;
        if method == "GET" && path == "/2018-06-01/runtime/invocation/next" {
            let next = {
                let mut state = lock.lock().unwrap();
                state.first_next.get_or_insert_with(Instant::now);
                state.pending.pop_front()
            };
            let Some((id, event)) = next else {
                // Nothing more to invoke: hold the long poll until the test ends.
                std::thread::sleep(Duration::from_secs(600));
                return;
            };
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 60_000;
            let text = event.to_string();
            let _ = write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                 Lambda-Runtime-Aws-Request-Id: {id}\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:{REGION}:{ACCOUNT}:function:snapback\r\n\
                 Lambda-Runtime-Trace-Id: Root=1-6740a1b2-{id:0>24.24};Parent=53995c3f42cd8ad8;Sampled=1\r\n\
                 Content-Length: {}\r\n\r\n{text}",
                text.len()
            );
            continue;
        }
        {
            let mut state = lock.lock().unwrap();
            let id = path.split('/').nth(4).unwrap_or("").to_owned();
            if path == "/2018-06-01/runtime/init/error" {
                state.init_errors.push((path.clone(), body));
            } else if path.ends_with("/response") {
                state.responses.push((id, body));
            } else if path.ends_with("/error") {
                state.errors.push((id, body));
            }
            cvar.notify_all();
        }
        let _ = write!(
            out,
            "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{{}}"
        );
    }
}

fn bootstrap(api: &RuntimeApi, env: &[(&str, &str)]) -> Child {
    // benches/lambda-init.sh points this at a release build to measure the cold start.
    let binary = std::env::var("SNAPBACK_BOOTSTRAP")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_bootstrap").into());
    let mut cmd = Command::new(binary);
    cmd.env("AWS_LAMBDA_RUNTIME_API", &api.addr)
        .env("AWS_LAMBDA_FUNCTION_NAME", "snapback")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/snapback")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("SNAPBACK_HOME_ACCOUNT", ACCOUNT)
        .env_remove("SNAPBACK_POLICIES")
        .env_remove("AWS_PROFILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Stop the process and return its stdout lines.
fn finish(mut child: Child) -> (Vec<String>, String) {
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn bootstrap_reverts_logs_and_measures() {
    let config = sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let queue = sqs
        .create_queue()
        .queue_name(unique("e2e-dlq"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let (trail, ct) = stopped_trail(&config).await;

    let stop = event(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": trail}),
    );
    let compliant = event(
        "cloudtrail.amazonaws.com",
        "StartLogging",
        json!({"name": trail}),
    );
    let api = RuntimeApi::start(vec![
        eventbridge(stop.record),
        eventbridge(compliant.record),
    ]);
    let started = Instant::now();
    let child = bootstrap(
        &api,
        &[
            ("SNAPBACK_DEAD_LETTER_QUEUE_URL", queue.as_str()),
            ("SNAPBACK_MODE", "enforce"),
        ],
    );
    api.wait_answered(2, Duration::from_secs(60));
    let (lines, stderr) = finish(child);
    let (responses, first_next) = {
        let state = api.state.0.lock().unwrap();
        assert!(state.errors.is_empty(), "{:?}\n{stderr}", state.errors);
        (state.responses.clone(), state.first_next)
    };
    assert_eq!(responses.len(), 2, "{lines:#?}\n{stderr}");
    let init = first_next.unwrap().duration_since(started);
    eprintln!(
        "bootstrap init, process start to the first /next with the full pack: {:.1} ms",
        init.as_secs_f64() * 1000.0
    );

    // The revert happened.
    let status = ct.get_trail_status().name(&trail).send().await.unwrap();
    assert_eq!(status.is_logging, Some(true));

    let json: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    // Init reported itself, with every policy of the pack.
    let ready = json.iter().find(|l| l["message"] == "ready").unwrap();
    let pack =
        snapback::load_policies(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"))
            .unwrap_or_else(|e| panic!("policies do not validate: {e:?}"));
    assert_eq!(ready["policies"], pack.policies.len());

    // One decision line per event, with the request and trace ids.
    let decisions: Vec<&Value> = json.iter().filter(|l| l["message"] == "decision").collect();
    assert_eq!(decisions.len(), 2, "{lines:#?}");
    let (first_id, _) = &responses[0];
    assert_eq!(&decisions[0]["request_id"], first_id);
    assert!(
        decisions[0]["xray_trace_id"]
            .as_str()
            .unwrap()
            .starts_with("Root=1-"),
        "{}",
        decisions[0]
    );
    assert_eq!(decisions[0]["outcome"], "non_compliant");
    assert_eq!(decisions[0]["remediation"], "applied");
    assert_eq!(decisions[0]["policies"], "cloudtrail-logging-stopped");
    let record: Value = serde_json::from_str(decisions[0]["record"].as_str().unwrap()).unwrap();
    assert_eq!(record["schema_version"], 1);
    assert!(record["cold_start"].as_bool().unwrap());
    assert_eq!(decisions[1]["outcome"], "compliant");

    // EMF: bare JSON lines with `_aws`.
    let emf: Vec<&Value> = json.iter().filter(|l| l.get("_aws").is_some()).collect();
    let events: Vec<&&Value> = emf.iter().filter(|d| d.get("Events").is_some()).collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["ColdStarts"], 1);
    assert_eq!(events[1]["ColdStarts"], 0);
    let ttr = emf
        .iter()
        .find(|d| d.get("TimeToRemediate").is_some())
        .unwrap();
    assert_eq!(ttr["RemediationStatus"], "applied");
    assert_eq!(ttr["Remediation"], "cloudtrail-start-logging");
    assert!(
        emf.iter()
            .any(|d| d["Policy"] == "cloudtrail-logging-stopped")
    );
}

#[test]
fn an_invalid_policy_set_fails_init_loudly() {
    let dir = broken_policies();
    let api = RuntimeApi::start(vec![json!({"detail": {}})]);
    let mut child = bootstrap(
        &api,
        &[
            ("SNAPBACK_DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:9/q"),
            ("SNAPBACK_POLICIES", dir.to_str().unwrap()),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "bootstrap did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    let (lines, _) = finish(child);
    assert!(!status.success());
    let state = api.state.0.lock().unwrap();
    assert!(state.first_next.is_none(), "it never asked for an event");
    assert_eq!(state.init_errors.len(), 1);
    let body = &state.init_errors[0].1;
    assert_eq!(body["errorType"], "Runtime.InvalidPolicies");
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("zz-broken.cedar"),
        "{body}"
    );
    assert!(
        lines.iter().any(|l| l.contains("init failed")),
        "{lines:#?}"
    );
}
