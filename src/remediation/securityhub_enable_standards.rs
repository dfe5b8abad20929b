//! `securityhub-enable-standards`: subscribe Security Hub again to the standards someone
//! disabled.
//!
//! Why: a disabled standard stops checking every one of its controls and archives their
//! findings, quietly blinding the security team to the misconfigurations it would catch
//! (MITRE ATT&CK T1562.001).
//! Trigger: `securityhub:BatchDisableStandards` (policy `securityhub-standards-disabled`).
//! What: the plan takes each disabled standard's ARN from the response's
//! `standardsSubscriptions[].standardsArn`, or, when the response is not in the event, from
//! the request's subscription ARN (`arn:aws:securityhub:R:A:subscription/P` is the standard
//! `arn:aws:securityhub:R::standards/P`, except CIS 1.2.0, whose standard is
//! `arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0`). The controls of a
//! standard enabled again start from their defaults: a control someone had disabled within it
//! is enabled too, which is the compliant side.
//! Calls: `GetEnabledStandards`; if a planned standard is not subscribed (or only being
//! deleted), `BatchEnableStandards` with those; `GetEnabledStandards` to verify (`PENDING`
//! counts). A hub disabled since is a no-op: `securityhub-enable` brings the hub back.
//!
//! ```cedar
//! @remediation("securityhub-enable-standards")
//! forbid (principal, action == Aws::Action::"securityhub:BatchDisableStandards",
//!     resource is Aws::SecurityHub);
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::prelude::*;
use super::{PlanError, Planning};

/// The standards the revert subscribes to again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Standards {
    #[serde(rename = "standardsArns")]
    arns: Vec<String>,
}

/// The standard a subscription ARN subscribes to, or None when it is not one.
fn standard_of(subscription: &str) -> Option<String> {
    let rest = subscription.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let (_partition, service, region, _account) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let path = parts.next()?.strip_prefix("subscription/")?;
    if service != "securityhub" || path.is_empty() {
        return None;
    }
    let partition = rest.split(':').next()?;
    Some(if path == "cis-aws-foundations-benchmark/v/1.2.0" {
        format!("arn:{partition}:securityhub:::ruleset/{path}")
    } else {
        format!("arn:{partition}:securityhub:{region}::standards/{path}")
    })
}

/// The standards the event disabled: from the response when it is there, else from the
/// request's subscription ARNs.
fn disabled(p: &Planning) -> Result<Vec<String>, PlanError> {
    let record = &p.event.record;
    let response = crate::event::lookup(record, "responseElements.standardsSubscriptions");
    if let Some(Json::Array(subscriptions)) = response {
        let arns: Vec<String> = subscriptions
            .iter()
            .filter_map(|s| s.get("standardsArn").and_then(Json::as_str))
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        if !arns.is_empty() {
            return Ok(arns);
        }
    }
    let request = crate::event::lookup(record, "requestParameters.standardsSubscriptionArns");
    let Some(Json::Array(subscriptions)) = request else {
        return Err(p.error("the event names no standards subscription"));
    };
    subscriptions
        .iter()
        .map(|s| {
            s.as_str().and_then(standard_of).ok_or_else(|| {
                p.error(format!(
                    "`{s}` is not a Security Hub standards subscription ARN"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(|arns| {
            if arns.is_empty() {
                Err(p.error("the event names no standards subscription"))
            } else {
                Ok(arns)
            }
        })
}

remediation! {
    EnableStandards {
        name: "securityhub-enable-standards",
        service: "securityhub",
        iam: &["securityhub:GetEnabledStandards", "securityhub:BatchEnableStandards"],
    }
    plan: |p| {
        let mut arns = disabled(&p)?;
        arns.sort();
        arns.dedup();
        let listed: Vec<String> = arns.iter().map(|a| format!("`{a}`")).collect();
        let summary = format!("enable the Security Hub standard(s) {}", listed.join(", "));
        let args = serde_json::to_value(Standards { arns }).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |_plan, aws, args: Standards| {
        let (hub, wanted) = (aws.securityhub(), &args.arns);
        read: || async move {
            let enabled = hub.enabled_standards().await?;
            Ok(enabled.map(|on| wanted.iter().filter(|a| !on.contains(a)).cloned().collect::<Vec<_>>()))
        },
        still_wrong: |missing| {
            missing.first().map(|arn| format!("standard `{arn}` is still not enabled"))
        },
        act: |missing| async move { hub.enable_standards(&missing).await },
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_names_its_standard() {
        assert_eq!(
            standard_of(
                "arn:aws:securityhub:us-east-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0"
            )
            .as_deref(),
            Some("arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0")
        );
        assert_eq!(
            standard_of(
                "arn:aws:securityhub:eu-west-1:123456789012:subscription/cis-aws-foundations-benchmark/v/1.2.0"
            )
            .as_deref(),
            Some("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0")
        );
        assert_eq!(
            standard_of(
                "arn:aws-us-gov:securityhub:us-gov-west-1:123456789012:subscription/cis-aws-foundations-benchmark/v/5.0.0"
            )
            .as_deref(),
            Some("arn:aws-us-gov:securityhub:us-gov-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0")
        );
        for not in [
            "arn:aws:securityhub:us-east-1:123456789012:hub/default",
            "arn:aws:iam::123456789012:subscription/x",
            "subscription/x",
            "arn:aws:securityhub:us-east-1:123456789012:subscription/",
        ] {
            assert_eq!(standard_of(not), None, "{not}");
        }
    }
}
