//! `iam-remove-outside-trust`: take the principals outside the organization out of a role's
//! trust policy.
//!
//! Why: whoever a trust policy names can assume the role and act with its permissions; an
//! account outside the organization (and not trusted with `snapback:trusted`), or `*` with no
//! condition pinning it to our accounts, is a way in for someone else.
//! Trigger: `iam:CreateRole` or `iam:UpdateAssumeRolePolicy` whose trust policy lets in an
//! outside principal (policy `iam-role-trust-outside`).
//! What: the plan keeps the outside accounts the call's trust policy named (the `access`
//! fact's `outsideAccounts`). Apply rewrites the trust policy it reads with
//! [`without_outside`](crate::model::access::without_outside), judged from the role's own
//! account: those accounts are taken out of every principal list, and a statement open to an
//! unpinned `*` (or a web identity provider no condition pins) is dropped; our accounts, other
//! principals, conditions and Deny statements stay. A trust policy left with no Allow gets a
//! statement denying `sts:AssumeRole` to everyone instead (IAM rejects an empty one).
//! Calls: `GetRole`; if outside access is still there, `UpdateAssumeRolePolicy`; `GetRole` to
//! verify. A deleted role is a no-op.
//!
//! ```cedar
//! @remediation("iam-remove-outside-trust")
//! forbid (principal, action in [Aws::Action::"iam:CreateRole",
//!     Aws::Action::"iam:UpdateAssumeRolePolicy"], resource is Aws::IamRole)
//! when { context has access && context.access.outside };
//! ```

use serde_json::{Value as Json, json};

use super::outside::{Outside, written};
use super::policy_doc::parse;
use super::prelude::*;

remediation! {
    RemoveOutsideTrust {
        name: "iam-remove-outside-trust",
        service: "iam",
        iam: &["iam:GetRole", "iam:UpdateAssumeRolePolicy"],
    }
    plan: |p| {
        let role = p.target("IamRole")?;
        let key = match p.event.event_name() {
            "CreateRole" => "assumeRolePolicyDocument",
            _ => "policyDocument",
        };
        let outside = Outside::of_document(&p, &written(&p, key)?)?;
        let summary = format!("take the principals outside the organization out of the trust \
            policy of role `{role}`");
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Outside| {
        let (role, iam, outside) = (plan.resource.as_str(), aws.iam(), &args);
        let own = plan.account.as_str();
        read: || async move {
            let raw = iam.role_trust_policy(role).await?;
            raw.map(|raw| parse("iam:GetRole", &raw)).transpose()
        },
        still_wrong: |doc| {
            outside.rewrite(doc, own).1.then(|| format!("role `{role}` still trusts outside"))
        },
        act: |doc| async move {
            let trust = closed(outside.rewrite(&doc, own).0);
            iam.set_role_trust_policy(role, &trust.to_string()).await
        },
    },
}

/// `trust` as it is when some statement still allows; otherwise with a statement that denies
/// `sts:AssumeRole` to everyone, so that the policy is not empty.
fn closed(mut trust: Json) -> Json {
    let statements = trust.get("Statement").and_then(Json::as_array);
    let allows = statements
        .into_iter()
        .flatten()
        .any(|s| s.get("Effect").and_then(Json::as_str) == Some("Allow"));
    if allows {
        return trust;
    }
    let deny = json!({"Sid": "NoOneOutside", "Effect": "Deny", "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole"});
    if let Some(map) = trust.as_object_mut() {
        let statements = map
            .entry("Statement")
            .or_insert_with(|| Json::Array(Vec::new()));
        match statements {
            Json::Array(list) => list.push(deny),
            other => *other = Json::Array(vec![deny]),
        }
    }
    trust
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trust_policy_without_allow_denies_everyone() {
        let empty = closed(json!({"Version": "2012-10-17", "Statement": []}));
        assert_eq!(empty["Statement"][0]["Effect"], "Deny");
        assert_eq!(empty["Statement"][0]["Action"], "sts:AssumeRole");
        assert_eq!(empty["Version"], "2012-10-17");
        let allowing = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        assert_eq!(closed(allowing.clone()), allowing);
    }
}
