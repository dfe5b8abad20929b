//! IAM Access Analyzer calls the remediations make.

use super::capability;
use super::error::{found, sent};

/// An analyzer as a remediation reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analyzer {
    pub name: String,
    pub arn: String,
    /// `ACCOUNT`, `ORGANIZATION`, ...
    pub kind: String,
    /// `ACTIVE`, `CREATING`, ...
    pub status: String,
}

capability! {
    /// The Access Analyzer calls of the analyzer remediation.
    pub trait AccessAnalyzerOps(accessanalyzer) for aws_sdk_accessanalyzer::Client {
        /// The analyzer named `name`, or None when there is none.
        fn analyzer<'a>(&'a self, name: &'a str) -> Option<Analyzer> = "access-analyzer:GetAnalyzer", |call| {
            let out = found(call, self.get_analyzer().analyzer_name(name).send().await, &[])?;
            Ok(out.as_ref().and_then(|o| o.analyzer()).map(|a| Analyzer {
                name: a.name().to_owned(),
                arn: a.arn().to_owned(),
                kind: a.r#type().as_str().to_owned(),
                status: a.status().as_str().to_owned(),
            }))
        }

        /// Create an account analyzer named `name`. An analyzer of that name that already
        /// exists (a concurrent create won the race) is success.
        fn create_account_analyzer<'a>(&'a self, name: &'a str) -> () = "access-analyzer:CreateAnalyzer", |call| {
            let create = self
                .create_analyzer()
                .analyzer_name(name)
                .r#type(aws_sdk_accessanalyzer::types::Type::Account);
            match sent(call, create.send().await) {
                Err(err) if err.code.as_deref() != Some("ConflictException") => Err(err),
                _ => Ok(()),
            }
        }
    }
}
