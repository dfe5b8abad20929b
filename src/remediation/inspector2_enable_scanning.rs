//! `inspector2-enable-scanning`: scan again the resource types someone stopped Amazon Inspector
//! from scanning.
//!
//! Why: with scanning off, new vulnerabilities in instances, images and functions raise no
//! finding; turning it off is how an intruder hides what they deploy (MITRE ATT&CK T1562.001,
//! AWS FSBP Inspector.1 to .4).
//! Trigger: `inspector2:Disable` (policy `inspector-disabled`).
//! What: the plan keeps the call's `resourceTypes` (`EC2`, `ECR`, `LAMBDA`, `LAMBDA_CODE`,
//! `CODE_REPOSITORY`) and `accountIds` (the event's account when it names none: a delegated
//! administrator may disable scanning in member accounts, and enables it there the same way).
//! A call that names no resource type disables every type, so the plan then takes EC2, ECR,
//! LAMBDA and LAMBDA_CODE (code repository scanning is opt-in: enabling it where it never ran
//! would be a change, not a revert).
//! Calls: `BatchGetAccountStatus`; for each account with a planned type not scanning,
//! `Enable` with those types; `BatchGetAccountStatus` to verify (`ENABLING` counts as
//! scanning). Types already scanning are a no-op.
//!
//! ```cedar
//! @remediation("inspector2-enable-scanning")
//! forbid (principal, action == Aws::Action::"inspector2:Disable",
//!     resource is Aws::InspectorScanning);
//! ```

use serde::{Deserialize, Serialize};

use super::prelude::*;
use super::{PlanError, Planning};
use crate::aws::{ApiError, Inspector2Ops};

/// The resource types a `Disable` that names none is taken to have stopped: the scan types
/// every account has (code repository scanning is opt-in, and enabling it where it never ran
/// would be a change, not a revert).
const ALL_TYPES: &[&str] = &["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"];

/// What the revert enables, where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Scanning {
    #[serde(rename = "resourceTypes")]
    resource_types: Vec<String>,
    #[serde(rename = "accountIds")]
    accounts: Vec<String>,
}

/// The string items of the request parameter `key` (a list), or None when it is absent; a
/// list holding anything but non-empty strings is malformed.
fn strings(p: &Planning, key: &str) -> Result<Option<Vec<String>>, PlanError> {
    let Some(value) = p.event.request_parameters().and_then(|r| r.get(key)) else {
        return Ok(None);
    };
    let items = value
        .as_array()
        .ok_or_else(|| p.error(format!("`{key}` is not a list")))?;
    items
        .iter()
        .map(|v| match v.as_str() {
            Some(s) if !s.is_empty() => Ok(s.to_owned()),
            _ => Err(p.error(format!("`{key}` holds something other than a name: `{v}`"))),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|v| (!v.is_empty()).then_some(v))
}

/// Each account with the planned types it does not scan, leaving out those that scan all.
async fn missing(
    inspector: &dyn Inspector2Ops,
    scanning: &Scanning,
) -> Result<Option<Vec<(String, Vec<String>)>>, ApiError> {
    let mut missing = Vec::new();
    for account in &scanning.accounts {
        let off = inspector
            .not_scanning(account, &scanning.resource_types)
            .await?;
        if !off.is_empty() {
            missing.push((account.clone(), off));
        }
    }
    Ok(Some(missing))
}

remediation! {
    EnableScanning {
        name: "inspector2-enable-scanning",
        service: "inspector2",
        iam: &["inspector2:BatchGetAccountStatus", "inspector2:Enable"],
    }
    plan: |p| {
        let resource_types = strings(&p, "resourceTypes")?
            .unwrap_or_else(|| ALL_TYPES.iter().map(|t| (*t).to_owned()).collect());
        let own = p.request.resource.attr_str("account");
        let accounts = match strings(&p, "accountIds")? {
            Some(accounts) => accounts,
            None if !own.is_empty() => vec![own.to_owned()],
            None => return Err(p.error("the event names no account")),
        };
        let summary = format!(
            "enable Amazon Inspector scanning of {} in account(s) {}",
            resource_types.join(", "),
            accounts.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
        );
        let args = Scanning { resource_types, accounts };
        let args = serde_json::to_value(args).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |_plan, aws, args: Scanning| {
        let (inspector, scanning) = (aws.inspector2(), &args);
        read: || missing(inspector, scanning),
        still_wrong: |missing| {
            missing.first().map(|(account, off)| {
                format!("account `{account}` still does not scan {}", off.join(", "))
            })
        },
        act: |missing| async move {
            for (account, off) in &missing {
                inspector.enable_scanning(account, off).await?;
            }
            Ok(())
        },
    },
}
