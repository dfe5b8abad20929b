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
//! IAM: `access-analyzer:GetAnalyzer`, `access-analyzer:CreateAnalyzer`.
//!
//! ```cedar
//! @remediation("accessanalyzer-create-analyzer")
//! forbid (principal, action == Aws::Action::"access-analyzer:DeleteAnalyzer", resource is Aws::Analyzer);
//! ```

use super::prelude::*;

pub struct CreateAnalyzer;

impl Remediation for CreateAnalyzer {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "accessanalyzer-create-analyzer",
            service: "accessanalyzer",
            iam_actions: &[
                "access-analyzer:GetAnalyzer",
                "access-analyzer:CreateAnalyzer",
            ],
        }
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let analyzer = target(self.name(), request, "Analyzer")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({ "type": "ACCOUNT" }),
            format!("recreate analyzer `{analyzer}` with type ACCOUNT"),
        ))
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let (name, analyzers) = (plan.resource.as_str(), aws.accessanalyzer());
        revert(
            aws,
            move || setting(analyzers.analyzer(name)),
            move |analyzer| {
                analyzer
                    .is_none()
                    .then(|| format!("analyzer `{name}` does not exist"))
            },
            move |_| analyzers.create_account_analyzer(name),
        )
    }
}
