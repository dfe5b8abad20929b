//! IAM Access Analyzer calls the remediations make.

use super::{ApiError, Aws, classify};

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

impl Aws {
    /// The analyzer named `name`, or None when there is none.
    pub async fn accessanalyzer_get_analyzer(
        &self,
        name: &str,
    ) -> Result<Option<Analyzer>, ApiError> {
        const CALL: &str = "access-analyzer:GetAnalyzer";
        match self
            .accessanalyzer
            .get_analyzer()
            .analyzer_name(name)
            .send()
            .await
        {
            Ok(out) => Ok(out.analyzer().map(|a| Analyzer {
                name: a.name().to_owned(),
                arn: a.arn().to_owned(),
                kind: a.r#type().as_str().to_owned(),
                status: a.status().as_str().to_owned(),
            })),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    /// Create an account analyzer named `name`. An analyzer of that name that already exists
    /// (a concurrent create won the race) is success.
    pub async fn accessanalyzer_create_account_analyzer(&self, name: &str) -> Result<(), ApiError> {
        const CALL: &str = "access-analyzer:CreateAnalyzer";
        let call = self
            .accessanalyzer
            .create_analyzer()
            .analyzer_name(name)
            .r#type(aws_sdk_accessanalyzer::types::Type::Account);
        match call.send().await {
            Ok(_) => Ok(()),
            Err(e) => match classify(CALL, &e) {
                err if err.code.as_deref() == Some("ConflictException") => Ok(()),
                err => Err(err),
            },
        }
    }

    /// Use this client for Access Analyzer instead (tests inject a mocked one: moto does not
    /// serve Access Analyzer).
    #[doc(hidden)]
    pub fn with_accessanalyzer_client(mut self, client: aws_sdk_accessanalyzer::Client) -> Self {
        self.accessanalyzer = client;
        self
    }
}
