//! CloudTrail's log files in the trail's S3 bucket, read by the log-file backstop: what
//! EventBridge never delivered is still in them a few minutes later.

use super::{ApiError, ErrorKind, Factory, classify};

/// Reads log files from S3.
#[derive(Debug, Clone)]
pub struct LogFiles {
    client: aws_sdk_s3::Client,
}

/// The largest log file read (compressed): CloudTrail's files are a few MB at most.
pub const MAX_LOG_FILE_BYTES: usize = 256 * 1024 * 1024;

impl Factory {
    /// A reader of log files in snapback's own account (path-style against a local endpoint).
    pub fn log_files(&self) -> LogFiles {
        let config = aws_sdk_s3::config::Builder::from(self.sdk_config())
            .force_path_style(self.is_local())
            .build();
        LogFiles {
            client: aws_sdk_s3::Client::from_conf(config),
        }
    }
}

impl LogFiles {
    /// The object's bytes, as stored (gzip for CloudTrail).
    pub async fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, ApiError> {
        const CALL: &str = "s3:GetObject";
        let out = self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| classify(CALL, &e))?;
        if out
            .content_length()
            .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > MAX_LOG_FILE_BYTES))
        {
            return Err(ApiError::new(
                CALL,
                ErrorKind::Rejected,
                format!("s3://{bucket}/{key} is larger than {MAX_LOG_FILE_BYTES} bytes"),
            ));
        }
        let body = out.body.collect().await.map_err(|e| {
            ApiError::new(CALL, ErrorKind::Transient, format!("reading the body: {e}"))
        })?;
        Ok(body.into_bytes().to_vec())
    }
}
