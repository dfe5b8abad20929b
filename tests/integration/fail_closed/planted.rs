//! Redaction that does not depend on luck: secrets planted at random places in the requests
//! of real events from the shared corpus (`../shared/corpus`, read in place), under every
//! secret-bearing shape snapback knows, never reach the bytes `check` prints, the decision log
//! holds or `explain` prints.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use snapback::decision_log::{LogWriter, Recorder, Redactor};
use snapback::{Engine, Event};

const EVENT_DIRS: &[&str] = &[
    "cloudtrail-records",
    "cloudtrail-nonconforming",
    "eventbridge",
    "lookupevents",
];

fn corpus() -> &'static [Event] {
    static EVENTS: OnceLock<Vec<Event>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let root = std::env::var_os("SNAPBACK_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
        let dirs: Vec<PathBuf> = EVENT_DIRS.iter().map(|d| root.join(d)).collect();
        let mut events = Vec::new();
        for path in snapback::input::expand(&dirs).files {
            snapback::input::read_path(&path, &mut |item| events.extend(item.ok()));
        }
        assert!(
            events.len() >= 800,
            "corpus not found at {}",
            root.display()
        );
        events
    })
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::new(
            snapback::load_policies(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"))
                .unwrap(),
        )
    })
}

/// Field names that hold secrets, as the issue found them leaking and as AWS spells others.
const SECRET_FIELDS: &[&str] = &[
    "Authorization",
    "apiKey",
    "x-api-key",
    "token",
    "x-amz-security-token",
    "secretKey",
    "passwd",
    "pwd",
    "privateKeyPem",
    "password2",
    "PasswordText",
    "password",
    "MasterUserPassword",
    "sessionToken",
    "SecretString",
    "client_secret",
    "userData",
];

/// Names of name/value pairs and SSM parameters that say they hold a secret.
const SECRET_NAMES: &[&str] = &[
    "DB_PASSWORD",
    "API_TOKEN",
    "/prod/db/password",
    "GitHubToken",
    "SecretKey",
    "stripe-api-key",
];

/// The name and value fields of a pair, in the spellings services use.
const PAIRS: &[(&str, &str)] = &[
    ("name", "value"),
    ("Name", "Value"),
    ("key", "value"),
    ("Key", "Value"),
    ("parameterKey", "parameterValue"),
    ("ParameterKey", "ParameterValue"),
];

/// Ordinary field names a secret-bearing string may sit under.
const PLAIN_FIELDS: &[&str] = &["description", "config", "location", "notes", "args"];

/// `S` planted in one of the secret-bearing shapes, as a field name and its value.
fn shape(secret: String) -> impl Strategy<Value = (String, Value)> {
    let s = secret.clone();
    let field = (0..SECRET_FIELDS.len(), 0..3usize).prop_map(move |(f, nest)| {
        let value = match nest {
            0 => json!(s),
            1 => json!({"inner": s}),
            _ => json!([s]),
        };
        (SECRET_FIELDS[f].to_owned(), value)
    });
    let s = secret.clone();
    let pair = (0..SECRET_NAMES.len(), 0..PAIRS.len()).prop_map(move |(n, p)| {
        let (name, value) = PAIRS[p];
        let item = json!({name: SECRET_NAMES[n], value: s});
        ("items".to_owned(), json!([item]))
    });
    let s = secret.clone();
    let env = ("[A-Z][A-Z_]{2,10}", 0..7usize).prop_map(move |(var, form)| match form {
        0 => ("environment".to_owned(), json!({"variables": {var: s}})),
        1 => ("Environment".to_owned(), json!({"Variables": {var: s}})),
        2 => (
            "environmentVariables".to_owned(),
            json!([{"name": var, "value": s, "type": "PLAINTEXT"}]),
        ),
        3 => (
            "containerDefinitions".to_owned(),
            json!([{"name": "app", "image": "nginx",
            "environment": [{"name": var, "value": s}]}]),
        ),
        4 => ("secrets".to_owned(), json!([{"name": var, "valueFrom": s}])),
        5 => (
            "parameter".to_owned(),
            json!({"name": format!("/app/{var}"), "type": "SecureString", "value": s}),
        ),
        _ => ("Environment".to_owned(), json!({var: s})),
    });
    let s = secret;
    let text = (0..PLAIN_FIELDS.len(), 0..7usize).prop_map(move |(f, form)| {
        let value = match form {
            0 => format!("postgres://app:{s}@db.example.com:5432/orders"),
            1 => format!("Server=db;Database=app;User Id=sa;Password={s};Encrypt=true"),
            2 => format!("host=db user=app pwd={s} dbname=app"),
            3 => format!("jdbc:mysql://db:3306/app?user=app&password={s}&useSSL=true"),
            4 => format!("https://{s}@github.com/o/r.git"),
            5 => json!({"db": {"password": s}}).to_string(),
            _ => json!([{"Name": "DB_PASSWORD", "Value": s}]).to_string(),
        };
        (PLAIN_FIELDS[f].to_owned(), json!(value))
    });
    prop_oneof![field, pair, env, text]
}

/// The containers (objects and arrays) of `value`, as paths of keys and indices.
fn containers(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match value {
        Value::Object(map) => {
            out.push(path.clone());
            for (k, v) in map {
                path.push(json!(k));
                containers(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            out.push(path.clone());
            for (i, v) in items.iter().enumerate() {
                path.push(json!(i));
                containers(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'v>(value: &'v mut Value, path: &[Value]) -> &'v mut Value {
    path.iter().fold(value, |v, step| match step {
        Value::String(k) => &mut v[k.as_str()],
        _ => &mut v[step.as_u64().unwrap() as usize],
    })
}

/// `event` with `field: value` planted in the container number `pick` of its request
/// parameters (an array gets `{field: value}` appended).
fn planted(event: &Event, pick: usize, field: &str, value: Value) -> Event {
    let mut event = event.clone();
    let params = event
        .record
        .entry("requestParameters")
        .or_insert_with(|| Value::Object(Map::new()));
    if !params.is_object() {
        *params = Value::Object(Map::new());
    }
    let mut found = Vec::new();
    containers(params, &mut Vec::new(), &mut found);
    let target = at(params, &found[pick % found.len()]);
    match target {
        Value::Object(map) => {
            map.insert(field.to_owned(), value);
        }
        Value::Array(items) => items.push(json!({ field: value })),
        _ => unreachable!("containers are objects and arrays"),
    }
    event
}

fn log_path() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snapback-planted-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("decisions.jsonl")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn planted_secrets_never_reach_check_the_log_or_explain(
        (secret, (field, value)) in "[A-Za-z0-9]{16}"
            .prop_map(|s| format!("PLANTED{s}"))
            .prop_flat_map(|s| (Just(s.clone()), shape(s))),
        which in any::<prop::sample::Index>(),
        pick in any::<usize>(),
    ) {
        let events = corpus();
        let event = planted(&events[which.index(events.len())], pick, &field, value);
        let redactor = Redactor::default();

        // `check`: decide, record, print one JSON line; the decision log gets the same record.
        let recorder = Recorder::new("planted", redactor.clone());
        let mut record = recorder.record(&event, &engine().decide(&event), std::time::SystemTime::now());
        let line = serde_json::to_string(&record).unwrap();
        prop_assert!(!line.contains(&secret), "check printed {secret}: {line}");
        prop_assert!(!record.redacted.is_empty(), "nothing listed as redacted: {line}");

        static LOG: OnceLock<PathBuf> = OnceLock::new();
        let path = LOG.get_or_init(log_path);
        let mut writer = LogWriter::open(path, Some(b"key".as_slice())).unwrap();
        writer.append(&mut record).unwrap();
        drop(writer);
        let log = std::fs::read_to_string(path).unwrap();
        prop_assert!(!log.contains(&secret), "the log holds {secret}");

        // `explain`, as it prints.
        let shown =
            snapback::cli::explain::shown(&event, Some(&redactor), &snapback::model::Org::default());
        let printed = serde_json::to_string_pretty(&shown).unwrap();
        prop_assert!(!printed.contains(&secret), "explain printed {secret}: {printed}");
        prop_assert_eq!(&shown["redacted"], &json!(record.redacted));
    }
}
