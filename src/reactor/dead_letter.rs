//! Dead letters: an event that could not be decided or remediated is never dropped. It goes to
//! a sink with the reason, the attempt count, the plans and the original event, so that
//! `snapback redrive` can replay it. The sink is async: locally it is the spool directory
//! ([`SpoolDir`]), in the Lambda an SQS queue; both take the letter as one line of JSON.

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::remediation::Plan;
use crate::resilience::{SpoolDir, SpoolError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub decision_id: String,
    pub event_id: Option<String>,
    pub reason: String,
    pub attempts: u32,
    pub failed_at: String,
    /// Where the event was read.
    pub source: String,
    /// The reverts that did not happen.
    pub plans: Vec<Plan>,
    /// The original event, as it arrived (an EventBridge event or a bare record).
    pub event: serde_json::Value,
}

impl DeadLetter {
    /// The letter as one line of JSON, without a newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A letter read back from its JSON.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text.trim())
    }
}

/// Why a dead letter was not kept.
#[derive(Debug, thiserror::Error)]
pub enum DeadLetterError {
    #[error(transparent)]
    Spool(#[from] SpoolError),
    /// The queue refused or could not be reached.
    #[error("the dead letter was not sent to the queue: {0}")]
    Queue(String),
}

/// Where dead letters go. A failure means the event is not kept anywhere: the caller must not
/// acknowledge it.
pub trait DeadLetterSink: Send + Sync {
    fn put(&self, letter: &DeadLetter) -> impl Future<Output = Result<(), DeadLetterError>> + Send;
}

impl DeadLetterSink for SpoolDir {
    async fn put(&self, letter: &DeadLetter) -> Result<(), DeadLetterError> {
        let mut line = letter.to_json();
        line.push('\n');
        SpoolDir::put(self, &letter.decision_id, line.as_bytes())?;
        Ok(())
    }
}

/// Every letter in a spool, oldest first, or why a file is not one.
pub fn letters(
    spool: &SpoolDir,
) -> std::io::Result<Vec<(std::path::PathBuf, Result<DeadLetter, String>)>> {
    Ok(spool
        .list()?
        .into_iter()
        .map(|(path, text)| {
            let letter = text.and_then(|t| {
                DeadLetter::from_json(&t)
                    .map_err(|e| format!("{}: not a dead letter: {e}", path.display()))
            });
            (path, letter)
        })
        .collect())
}
