//! template.yaml and template-member.yaml must say what `snapback deploy-plan` derives from the
//! policy pack and the remediation registry: the same event pattern on every rule, and exactly
//! the remediations' IAM actions on every remediation role. Edit a policy or a remediation and
//! this fails until the templates are brought along.

use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_yaml::Value as Yaml;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn plan() -> snapback::deploy::Plan {
    let pack = snapback::load_policies(&root().join("policies")).unwrap();
    snapback::deploy::plan(&pack).unwrap()
}

fn template(name: &str) -> Yaml {
    let path = root().join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn resources<'a>(t: &'a Yaml, ty: &str) -> Vec<(&'a str, &'a Yaml)> {
    t["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(ty))
        .map(|(k, r)| (k.as_str().unwrap(), r))
        .collect()
}

fn json(y: &Yaml) -> Value {
    serde_json::to_value(y).unwrap()
}

/// Every rule's pattern, and every `Remediations` statement's actions.
/// `buses` is how many sets of rules the template has (one per event bus it listens on); each
/// set has one rule per pattern of the plan, in order.
fn check(name: &str, buses: usize, roles: usize) {
    let plan = plan();
    let t = template(name);
    let want = plan.event_patterns();
    let found = resources(&t, "AWS::Events::Rule");
    assert_eq!(
        found.len(),
        buses * want.len(),
        "{name}: rules (the plan needs {} per bus: `snapback deploy-plan` prints event_patterns)",
        want.len()
    );
    for (i, (id, rule)) in found.iter().enumerate() {
        let pattern = want.get(i % want.len()).cloned().unwrap_or_default();
        assert_eq!(
            json(&rule["Properties"]["EventPattern"]),
            pattern,
            "{name}: {id}'s EventPattern differs from `snapback deploy-plan`; paste event_patterns[{}]",
            i % want.len()
        );
    }
    let mut seen = 0;
    for (id, role) in resources(&t, "AWS::IAM::Role") {
        for policy in role["Properties"]["Policies"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            for statement in policy["PolicyDocument"]["Statement"]
                .as_sequence()
                .into_iter()
                .flatten()
            {
                if statement["Sid"].as_str() != Some("Remediations") {
                    continue;
                }
                seen += 1;
                let actions: Vec<String> = statement["Action"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect();
                assert_eq!(
                    actions, plan.iam_actions,
                    "{name}: {id}'s remediation actions differ from `snapback deploy-plan`"
                );
                assert_eq!(statement["Resource"].as_str(), Some("*"));
            }
        }
    }
    assert_eq!(seen, roles, "{name}: Remediations statements");
}

#[test]
fn template_matches_the_deploy_plan() {
    check("template.yaml", 2, 1);
}

#[test]
fn member_template_matches_the_deploy_plan() {
    check("template-member.yaml", 1, 1);
}

#[test]
fn the_plan_covers_every_policy_and_remediation() {
    let plan = plan();
    // Every action a policy names, and root activity by identity type.
    assert!(plan.calls["cloudtrail.amazonaws.com"].contains("StopLogging"));
    assert!(plan.calls["iam.amazonaws.com"].contains("AttachRolePolicy"));
    assert_eq!(plan.identities.iter().collect::<Vec<_>>(), ["Root"]);
    assert!(!plan.everything);
    // Every remediation a policy names is registered, and brings its actions.
    assert_eq!(
        plan.remediations.len(),
        snapback::remediation::REGISTRY.len()
    );
    for r in snapback::remediation::REGISTRY {
        for action in r.iam_actions() {
            assert!(plan.iam_actions.iter().any(|a| a == action), "{action}");
        }
    }
    // Nothing else: no wildcard, nothing unrelated.
    assert!(plan.iam_actions.iter().all(|a| !a.contains('*')));
}

#[test]
fn deploy_plan_prints_the_plan() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_snapback"))
        .args(["deploy-plan", "--policies"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let plan = plan();
    assert_eq!(printed["event_pattern"], plan.event_pattern());
    assert_eq!(
        printed["event_patterns"],
        Value::Array(plan.event_patterns())
    );
    assert_eq!(printed["iam_policy"], plan.iam_policy());
}
