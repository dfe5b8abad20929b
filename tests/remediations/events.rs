//! EventBridge remediations on moto.

use aws_sdk_eventbridge::types::{RuleState, Target};
use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

const PATTERN: &str = r#"{"detail-type":["AWS API Call via CloudTrail"]}"#;

async fn client() -> aws_sdk_eventbridge::Client {
    aws_sdk_eventbridge::Client::new(&sdk_config().await)
}

async fn rule(ev: &aws_sdk_eventbridge::Client, name: &str, bus: Option<&str>) {
    ev.put_rule()
        .name(name)
        .event_pattern(PATTERN)
        .set_event_bus_name(bus.map(str::to_owned))
        .send()
        .await
        .unwrap();
}

async fn state(ev: &aws_sdk_eventbridge::Client, name: &str, bus: Option<&str>) -> RuleState {
    let out = ev
        .describe_rule()
        .name(name)
        .set_event_bus_name(bus.map(str::to_owned))
        .send()
        .await
        .unwrap();
    out.state().cloned().unwrap()
}

#[tokio::test]
async fn snapbacks_rule_is_enabled_again_on_its_own_bus() {
    let ev = client().await;
    let bus = unique("bus");
    ev.create_event_bus().name(&bus).send().await.unwrap();
    let name = unique("snapback-rule");
    let other = unique("snapback-other");
    rule(&ev, &name, Some(&bus)).await;
    rule(&ev, &other, Some(&bus)).await;
    let target = Target::builder()
        .id("snapback")
        .arn("arn:aws:lambda:us-east-1:123456789012:function:snapback")
        .build()
        .unwrap();
    ev.put_targets()
        .rule(&name)
        .event_bus_name(&bus)
        .targets(target)
        .send()
        .await
        .unwrap();
    ev.disable_rule()
        .name(&name)
        .event_bus_name(&bus)
        .send()
        .await
        .unwrap();
    ev.disable_rule()
        .name(&other)
        .event_bus_name(&bus)
        .send()
        .await
        .unwrap();
    let disable = event(
        "events.amazonaws.com",
        "DisableRule",
        json!({"name": name, "eventBusName": bus}),
    );

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &disable).await), "planned");
    assert_eq!(
        state(&ev, &name, Some(&bus)).await,
        RuleState::Disabled,
        "audit mode must change nothing"
    );

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &disable).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "events:DescribeRule",
            "events:EnableRule",
            "events:DescribeRule"
        ]
    );
    assert_eq!(state(&ev, &name, Some(&bus)).await, RuleState::Enabled);
    assert_eq!(
        state(&ev, &other, Some(&bus)).await,
        RuleState::Disabled,
        "only the event's rule is enabled"
    );
    let targets = ev
        .list_targets_by_rule()
        .rule(&name)
        .event_bus_name(&bus)
        .send()
        .await
        .unwrap();
    assert_eq!(targets.targets().len(), 1, "the rule's targets were kept");
    let described = ev
        .describe_rule()
        .name(&name)
        .event_bus_name(&bus)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.event_pattern(),
        Some(PATTERN),
        "the rule's pattern was kept"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &disable).await;
    assert_eq!(status(&record), "noop", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        ["events:DescribeRule"]
    );
}

#[tokio::test]
async fn a_rule_on_the_default_bus_is_enabled_and_a_deleted_one_is_a_noop() {
    let ev = client().await;
    let name = unique("snapback-rule");
    rule(&ev, &name, None).await;
    ev.disable_rule().name(&name).send().await.unwrap();
    let disable = event("events.amazonaws.com", "DisableRule", json!({"name": name}));
    let record = react(&reactor(ModeOverride::Enforce).await, &disable).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(state(&ev, &name, None).await, RuleState::Enabled);

    ev.delete_rule().name(&name).send().await.unwrap();
    let record = react(&reactor(ModeOverride::Enforce).await, &disable).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}

#[tokio::test]
async fn other_rules_are_left_disabled() {
    let ev = client().await;
    let name = unique("team-rule");
    rule(&ev, &name, None).await;
    ev.disable_rule().name(&name).send().await.unwrap();
    let disable = event("events.amazonaws.com", "DisableRule", json!({"name": name}));
    let record = react(&reactor(ModeOverride::Enforce).await, &disable).await;
    assert_eq!(status(&record), "none", "{record:?}");
    assert_eq!(state(&ev, &name, None).await, RuleState::Disabled);
}
