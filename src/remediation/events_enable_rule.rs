//! `events-enable-rule`: enable snapback's own EventBridge rule again after someone disabled
//! it.
//!
//! Why: the rule is what delivers CloudTrail events to snapback; disabled, every later change
//! goes unseen (the first thing to do before the changes one wants to keep).
//! Trigger: `events:DisableRule` on a rule named `snapback*` (policy
//! `eventbridge-snapback-rule-disabled`). The event's `eventBusName`, when given, names the bus.
//! Calls: `DescribeRule`; `EnableRule` only if its state is `DISABLED`; `DescribeRule` to
//! verify. The rule's pattern, targets and other rules are left as they are. A rule (or bus)
//! that is gone is a no-op: redeploying the stack restores it.
//!
//! ```cedar
//! @remediation("events-enable-rule")
//! forbid (principal, action == Aws::Action::"events:DisableRule", resource is Aws::EventRule)
//! when { resource.name like "snapback*" };
//! ```

use super::prelude::*;

remediation! {
    EnableRule {
        name: "events-enable-rule",
        service: "eventbridge",
        iam: &["events:DescribeRule", "events:EnableRule"],
    }
    plan: |p| {
        let (rule, bus) = (p.target("EventRule")?, p.param("eventBusName"));
        let on = bus.map(|b| format!(" on event bus `{b}`")).unwrap_or_default();
        Ok(p.plan(
            serde_json::json!({ "eventBusName": bus }),
            format!("enable rule `{rule}`{on}"),
        ))
    },
    revert: |plan, aws| {
        let (rule, events) = (plan.resource.as_str(), aws.eventbridge());
        let bus = plan.args.get("eventBusName").and_then(serde_json::Value::as_str);
        read: || events.rule_enabled(rule, bus),
        still_wrong: |on| (!on).then(|| "the rule is still disabled".into()),
        act: |_| events.turn_on_rule(rule, bus),
    },
}
