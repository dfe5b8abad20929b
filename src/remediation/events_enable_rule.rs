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
//! IAM: `events:DescribeRule`, `events:EnableRule`.
//!
//! ```cedar
//! @remediation("events-enable-rule")
//! forbid (principal, action == Aws::Action::"events:DisableRule", resource is Aws::EventRule)
//! when { resource.name like "snapback*" };
//! ```

use super::prelude::*;

pub struct EnableRule;

impl Remediation for EnableRule {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "events-enable-rule",
            service: "eventbridge",
            iam_actions: &["events:DescribeRule", "events:EnableRule"],
        }
    }

    fn plan(&self, event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let rule = target(self.name(), request, "EventRule")?;
        let bus = event
            .request_parameters()
            .and_then(|p| p.get("eventBusName"))
            .and_then(serde_json::Value::as_str)
            .filter(|b| !b.is_empty());
        let on = bus
            .map(|b| format!(" on event bus `{b}`"))
            .unwrap_or_default();
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({ "eventBusName": bus }),
            format!("enable rule `{rule}`{on}"),
        ))
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let (rule, events) = (plan.resource.as_str(), aws.eventbridge());
        let bus = plan
            .args
            .get("eventBusName")
            .and_then(serde_json::Value::as_str);
        revert(
            aws,
            move || events.rule_enabled(rule, bus),
            move |on| (!on).then(|| "the rule is still disabled".into()),
            move |_| events.turn_on_rule(rule, bus),
        )
    }
}
