//! `opensearch-remove-outside-policy-statements`: take the open access out of an OpenSearch
//! domain's access policy.
//!
//! Why: a domain outside a VPC whose access policy allows `*` with no condition pinning it
//! (a source IP range, our organization or accounts) answers anyone on the internet who finds
//! its endpoint: every index can be read, written or deleted (AWS FSBP ES.2, Opensearch.2).
//! Trigger: `es:CreateDomain`, `UpdateDomainConfig` (or their Elasticsearch names) whose
//! `accessPolicies` are public, for a domain not in a VPC (policy
//! `opensearch-domain-open-access`).
//! What: the plan keeps the outside accounts the call named (the `access` fact's
//! `outsideAccounts`). Apply rewrites the access policy it reads with
//! [`without_outside`](crate::model::access::without_outside), judged from the domain's
//! account: statements open to an unpinned `*` are dropped and those accounts are taken out
//! of every principal list; our accounts, IP-pinned statements and Deny statements stay. When
//! no statement is left the revert writes the policy the console gives a domain open to its
//! own account only (`es:*` for the account's root principal), rather than an empty one,
//! which the service may keep as it was.
//! Calls: `DescribeDomainConfig`; if open access is still there, `UpdateDomainConfig` with
//! `AccessPolicies` only; `DescribeDomainConfig` to verify. A deleted domain is a no-op.
//!
//! ```cedar
//! @remediation("opensearch-remove-outside-policy-statements")
//! forbid (principal, action in [Aws::Action::"es:CreateDomain",
//!     Aws::Action::"es:UpdateDomainConfig"], resource)
//! when { context has access && context.access.public };
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use super::outside::{Outside, written};
use super::policy_doc::{is_empty, parse};
use super::prelude::*;

/// What the revert takes out, and of which domain (its ARN, for the owner-only policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Args {
    #[serde(flatten)]
    outside: Outside,
    #[serde(rename = "domainArn")]
    domain_arn: String,
}

/// The access policy of a domain open to its own account only.
fn owner_only_policy(domain_arn: &str, owner: &str) -> Json {
    let partition = domain_arn.split(':').nth(1).unwrap_or("aws");
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:{partition}:iam::{owner}:root")},
            "Action": "es:*",
            "Resource": format!("{domain_arn}/*")
        }]
    })
}

remediation! {
    RemoveOutsideDomainPolicyStatements {
        name: "opensearch-remove-outside-policy-statements",
        service: "es",
        iam: &["es:DescribeDomainConfig", "es:UpdateDomainConfig"],
    }
    plan: |p| {
        let domain = p.target("SearchDomain")?;
        let outside = Outside::of_document(&p, &written(&p, "accessPolicies")?)?;
        let domain_arn = p.request.resource.attr_str("arn").to_owned();
        if !domain_arn.starts_with("arn:") {
            return Err(p.error("the event names no domain arn"));
        }
        let summary = format!(
            "take the open access out of the access policy of OpenSearch domain `{domain}`"
        );
        let args = serde_json::to_value(Args { outside, domain_arn })
            .map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Args| {
        let (domain, opensearch) = (plan.resource.as_str(), aws.opensearch());
        let (outside, domain_arn) = (&args.outside, args.domain_arn.as_str());
        let own = plan.account.as_str();
        read: || async move {
            let text = opensearch.domain_policy(domain).await?;
            let call = "es:DescribeDomainConfig";
            text.map(|t| if t.trim().is_empty() { Ok(json!({})) } else { parse(call, &t) })
                .transpose()
        },
        still_wrong: |doc| {
            outside
                .rewrite(doc, own)
                .1
                .then(|| format!("OpenSearch domain `{domain}` is still open"))
        },
        act: |doc| async move {
            let mut rest = outside.rewrite(&doc, own).0;
            if is_empty(&rest) {
                rest = owner_only_policy(domain_arn, own);
            }
            opensearch.set_domain_policy(domain, &rest.to_string()).await
        },
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_only_policy_lets_in_the_owner_only() {
        let arn = "arn:aws:es:us-east-1:123456789012:domain/logs";
        let doc = owner_only_policy(arn, "123456789012");
        assert_eq!(
            doc["Statement"][0]["Resource"],
            "arn:aws:es:us-east-1:123456789012:domain/logs/*"
        );
        let outside = Outside {
            accounts: vec!["210987654321".into()],
        };
        assert!(
            !outside.rewrite(&doc, "123456789012").1,
            "the rewrite finds nothing outside in it"
        );
    }
}
