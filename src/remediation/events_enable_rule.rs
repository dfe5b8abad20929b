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

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct EnableRule;

impl Remediation for EnableRule {
    fn name(&self) -> &'static str {
        "events-enable-rule"
    }

    fn service(&self) -> &'static str {
        "eventbridge"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["events:DescribeRule", "events:EnableRule"]
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

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let rule = plan.resource.as_str();
            let bus = plan
                .args
                .get("eventBusName")
                .and_then(serde_json::Value::as_str);
            calls.push("events:DescribeRule".into());
            match aws.eventbridge_rule_enabled(rule, bus).await? {
                None | Some(true) => return Ok(Status::Noop),
                Some(false) => {}
            }
            calls.push("events:EnableRule".into());
            aws.eventbridge_enable_rule(rule, bus).await?;
            calls.push("events:DescribeRule".into());
            match aws.eventbridge_rule_enabled(rule, bus).await? {
                Some(true) => Ok(Status::Applied),
                None => Ok(Status::Noop),
                Some(false) => Err(unverified(
                    "events:DescribeRule",
                    "the rule is still disabled",
                )),
            }
        })
    }
}
