//! Reading a CloudTrail archive kept in S3 (`snapback scan s3://...`): ListObjectsV2 under a
//! prefix, page by page, and GetObject of whole log files. The SDK's own retries are off (see
//! the module docs), so both retry throttled and transient failures here, a few times with
//! exponential backoff; what still fails is returned, and the caller reports it by name.

use std::time::Duration;

use aws_config::SdkConfig;

use super::{ApiError, ErrorKind, Factory, classify};

/// Attempts at one call before its error is returned.
const ATTEMPTS: u32 = 4;
/// The first pause between attempts; each next one doubles.
const BACKOFF: Duration = Duration::from_millis(50);

/// One object a listing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    /// Bytes as stored.
    pub size: u64,
}

/// One directory level of a bucket, or everything under a prefix when not delimited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub objects: Vec<ObjectInfo>,
    /// The "directories" (`prefix` + name + `/`) directly below, when listed with `/`.
    pub prefixes: Vec<String>,
    /// ListObjectsV2 pages read.
    pub requests: usize,
}

/// The largest object read whole: CloudTrail's log files are a few MB at most.
pub const MAX_OBJECT_BYTES: u64 = 256 * 1024 * 1024;

/// The S3 calls an archive scan and the log-file backstop make.
#[derive(Debug, Clone)]
pub struct Objects {
    client: aws_sdk_s3::Client,
}

impl Factory {
    /// A client for reading archive objects, with the same settings as every other client
    /// (path-style addressing when an endpoint URL is set, as for moto).
    pub fn objects(&self) -> Objects {
        Objects::new(&self.base, self.settings.endpoint_url.is_some())
    }
}

impl Objects {
    /// A client from `config`; `local` marks a non-AWS endpoint (path-style addressing).
    pub fn new(config: &SdkConfig, local: bool) -> Self {
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(local)
            .build();
        Self {
            client: aws_sdk_s3::Client::from_conf(s3),
        }
    }

    /// Every object under `prefix` (every page); with `delimited`, only those directly below
    /// it, and the prefixes of the levels below.
    pub async fn list(
        &self,
        bucket: &str,
        prefix: &str,
        delimited: bool,
    ) -> Result<Listing, ApiError> {
        let mut listing = Listing::default();
        let mut token: Option<String> = None;
        loop {
            let request = self
                .client
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .set_delimiter(delimited.then(|| "/".to_owned()))
                .set_continuation_token(token.clone());
            let page = retried(|| {
                let request = request.clone();
                async move {
                    request
                        .send()
                        .await
                        .map_err(|e| classify("s3:ListObjectsV2", &e))
                }
            })
            .await?;
            listing.requests += 1;
            for object in page.contents() {
                if let Some(key) = object.key() {
                    listing.objects.push(ObjectInfo {
                        key: key.to_owned(),
                        size: object
                            .size()
                            .and_then(|s| u64::try_from(s).ok())
                            .unwrap_or(0),
                    });
                }
            }
            listing.prefixes.extend(
                page.common_prefixes()
                    .iter()
                    .filter_map(|p| p.prefix().map(str::to_owned)),
            );
            token = page.next_continuation_token().map(str::to_owned);
            if !page.is_truncated().unwrap_or(false) || token.is_none() {
                return Ok(listing);
            }
        }
    }

    /// The whole body of one object, up to [`MAX_OBJECT_BYTES`].
    pub async fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, ApiError> {
        retried(|| async move {
            let output = self
                .client
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| classify("s3:GetObject", &e))?;
            if output
                .content_length()
                .is_some_and(|n| u64::try_from(n).map_or(true, |n| n > MAX_OBJECT_BYTES))
            {
                return Err(ApiError::new(
                    "s3:GetObject",
                    ErrorKind::Rejected,
                    format!("s3://{bucket}/{key} is larger than {MAX_OBJECT_BYTES} bytes: not a CloudTrail log file"),
                ));
            }
            let body =
                output.body.collect().await.map_err(|e| {
                    ApiError::new("s3:GetObject", ErrorKind::Transient, e.to_string())
                })?;
            Ok(body.into_bytes().to_vec())
        })
        .await
    }
}

/// Call until the call succeeds, fails for good, or has had [`ATTEMPTS`] tries, pausing
/// 100 ms, 200 ms, 400 ms between them.
async fn retried<T, F, Fut>(mut call: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut attempt: u32 = 1;
    loop {
        match call().await {
            Err(e) if e.retryable() && attempt < ATTEMPTS => {
                tokio::time::sleep(BACKOFF.saturating_mul(1 << attempt.min(10))).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use aws_config::retry::RetryConfig;
    use aws_sdk_s3::operation::get_object::GetObjectOutput;
    use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock};
    use aws_smithy_types::byte_stream::ByteStream;

    use super::*;

    /// A client answering from `rule`, with the SDK's retries off as in [`Factory`].
    fn mocked(rule: &Rule) -> Objects {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "testing", "testing", None, None, "test",
            ))
            .retry_config(RetryConfig::disabled())
            .http_client(aws_smithy_mocks::create_mock_http_client())
            .interceptor(
                MockResponseInterceptor::new()
                    .rule_mode(RuleMode::Sequential)
                    .with_rule(rule),
            )
            .build();
        Objects {
            client: aws_sdk_s3::Client::from_conf(config),
        }
    }

    fn body() -> GetObjectOutput {
        GetObjectOutput::builder()
            .body(ByteStream::from_static(b"{\"Records\":[]}"))
            .build()
    }

    #[tokio::test(start_paused = true)]
    async fn a_get_that_fails_for_a_while_is_retried() {
        let rule = mock!(aws_sdk_s3::Client::get_object)
            .sequence()
            .http_status(503, None)
            .times(ATTEMPTS as usize - 1)
            .output(body)
            .build();
        let got = mocked(&rule).get("b", "k").await.unwrap();
        assert_eq!(got, b"{\"Records\":[]}");
        assert_eq!(rule.num_calls(), ATTEMPTS as usize);
    }

    #[tokio::test(start_paused = true)]
    async fn a_get_that_keeps_failing_or_finds_nothing_is_an_error() {
        let rule = mock!(aws_sdk_s3::Client::get_object)
            .sequence()
            .http_status(503, None)
            .times(ATTEMPTS as usize + 1)
            .build();
        let err = mocked(&rule).get("b", "k").await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Transient, "{err}");
        assert_eq!(rule.num_calls(), ATTEMPTS as usize);

        let gone = mock!(aws_sdk_s3::Client::get_object)
            .sequence()
            .http_status(404, None)
            .build();
        let err = mocked(&gone).get("b", "k").await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
        assert_eq!(gone.num_calls(), 1);
    }
}
