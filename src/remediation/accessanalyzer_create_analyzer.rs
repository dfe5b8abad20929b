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

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct CreateAnalyzer;

impl Remediation for CreateAnalyzer {
    fn name(&self) -> &'static str {
        "accessanalyzer-create-analyzer"
    }

    fn service(&self) -> &'static str {
        "accessanalyzer"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "access-analyzer:GetAnalyzer",
            "access-analyzer:CreateAnalyzer",
        ]
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

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let name = plan.resource.as_str();
            calls.push("access-analyzer:GetAnalyzer".into());
            if aws.accessanalyzer_get_analyzer(name).await?.is_some() {
                return Ok(Status::Noop);
            }
            calls.push("access-analyzer:CreateAnalyzer".into());
            aws.accessanalyzer_create_account_analyzer(name).await?;
            calls.push("access-analyzer:GetAnalyzer".into());
            match aws.accessanalyzer_get_analyzer(name).await? {
                Some(_) => Ok(Status::Applied),
                None => Err(unverified(
                    "access-analyzer:GetAnalyzer",
                    format!("analyzer `{name}` does not exist"),
                )),
            }
        })
    }
}
