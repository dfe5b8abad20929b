//! `accessanalyzer-create-analyzer`: recreate an IAM Access Analyzer analyzer that was
//! deleted.
//!
//! Why: without an analyzer nobody is told when a bucket, key or role is shared outside the
//! account (CIS 1.20). A deleted analyzer cannot be restored and the `DeleteAnalyzer` event
//! names only the analyzer, so the revert restores the declared baseline: an analyzer of the
//! same name with type `ACCOUNT`. Its archive rules and tags are not restored.
//! Trigger: `access-analyzer:DeleteAnalyzer` (policy `accessanalyzer-analyzer-deleted`).
//! Calls: `GetAnalyzer`; `CreateAnalyzer` with the same name and `type=ACCOUNT` only if no
//! analyzer of that name exists; `GetAnalyzer` to verify. An analyzer of that name that exists
//! again, whatever its type, is a no-op.
//!
//! ```cedar
//! @remediation("accessanalyzer-create-analyzer")
//! forbid (principal, action == Aws::Action::"access-analyzer:DeleteAnalyzer", resource is Aws::Analyzer);
//! ```

use super::prelude::*;

remediation! {
    CreateAnalyzer {
        name: "accessanalyzer-create-analyzer",
        service: "accessanalyzer",
        iam: &["access-analyzer:GetAnalyzer", "access-analyzer:CreateAnalyzer"],
    }
    plan: |p| {
        let summary = format!("recreate analyzer `{}` with type ACCOUNT", p.target("Analyzer")?);
        Ok(p.plan(serde_json::json!({ "type": "ACCOUNT" }), summary))
    },
    revert: |plan, aws| {
        let (name, analyzers) = (plan.resource.as_str(), aws.accessanalyzer());
        read: || setting(analyzers.analyzer(name)),
        still_wrong: |a| a.is_none().then(|| format!("analyzer `{name}` does not exist")),
        act: |_| analyzers.create_account_analyzer(name),
    },
}
