//! The only place that names `aws_sdk_*` clients. It builds them once per (account, region),
//! assuming a role into other accounts, with the SDK's own retries switched off (the
//! resilience layer retries, so the two never multiply) and short per-attempt timeouts. Each
//! service file declares one narrow capability trait (see [`capability`]) with exactly the calls
//! the remediations need, returning plain types and classified [`ApiError`]s, implemented by
//! that service's SDK client; [`Aws`] hands them out through [`Capabilities`].

mod accessanalyzer;
mod capability;
mod cloudtrail;
mod config;
mod ec2;
mod ecr;
mod error;
mod eventbridge;
mod guardduty;
mod iam;
mod inspector2;
mod kms;
mod lambda;
mod lookup;
mod macie2;
mod objects;
mod opensearch;
mod rds;
mod redshift;
mod rolesanywhere;
mod route53resolver;
mod s3;
mod s3control;
mod secretsmanager;
mod securityhub;
mod sns;
mod sqs;
mod sqs_queue;
mod state_table;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use tokio::sync::Mutex;

pub use accessanalyzer::{AccessAnalyzerOps, Analyzer};
pub(crate) use capability::capability;
pub use capability::{BoxFuture, Capabilities, Recorded, Unavailable};
pub use cloudtrail::{CloudTrailOps, EventSelectors, ManagementEvents, Trail};
pub use config::ConfigOps;
pub use ec2::{
    AclEntry, Ec2Ops, IngressPermission, IngressRule, IngressSource, InstanceMetadata, Sharing,
};
pub use ecr::EcrOps;
pub use error::{ApiError, ErrorKind, classify};
pub use eventbridge::EventBridgeOps;
pub use guardduty::GuardDutyOps;
pub use iam::{IamOps, IamPrincipal, PasswordPolicy};
pub use inspector2::Inspector2Ops;
pub use kms::{KmsKey, KmsKeyState, KmsOps};
pub use lambda::LambdaOps;
pub use lookup::{Lookup, LookupStats, Pacing, Page, Pager};
pub use macie2::Macie2Ops;
pub use objects::{Listing, MAX_OBJECT_BYTES, ObjectInfo, Objects};
pub use opensearch::OpenSearchOps;
pub use rds::{DbInstance, RdsOps};
pub use redshift::RedshiftOps;
pub use rolesanywhere::RolesAnywhereOps;
pub use route53resolver::Route53ResolverOps;
pub use s3::{BucketAcl, PublicAccessBlock, S3Ops};
pub use s3control::S3ControlOps;
pub use secretsmanager::SecretsManagerOps;
pub use securityhub::SecurityHubOps;
pub use sns::SnsOps;
pub use sqs::{DECISION_DETAIL_TYPE, DECISION_SOURCE, DeadLetterQueue, DecisionBus};
pub use sqs_queue::SqsOps;
pub use state_table::{Claim, StateTable, epoch_ms};

/// How snapback reaches AWS.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// A local endpoint (moto, LocalStack) instead of AWS; also read from `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// The role name to assume in accounts other than snapback's own.
    pub cross_account_role: Option<String>,
    /// snapback's own account; looked up with sts:GetCallerIdentity when not given.
    pub home_account: Option<String>,
    /// The longest one AWS call attempt may take.
    pub attempt_timeout: Option<Duration>,
}

/// Clients for one account and region: each SDK client implements its service's capability
/// trait, and `Aws` hands them out as [`Capabilities`].
#[derive(Debug, Clone)]
pub struct Aws {
    pub account: String,
    pub region: String,
    accessanalyzer: aws_sdk_accessanalyzer::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    config: aws_sdk_config::Client,
    ec2: aws_sdk_ec2::Client,
    ecr: aws_sdk_ecr::Client,
    eventbridge: aws_sdk_eventbridge::Client,
    guardduty: aws_sdk_guardduty::Client,
    iam: aws_sdk_iam::Client,
    inspector2: aws_sdk_inspector2::Client,
    kms: aws_sdk_kms::Client,
    lambda: aws_sdk_lambda::Client,
    macie2: aws_sdk_macie2::Client,
    opensearch: aws_sdk_opensearch::Client,
    rds: aws_sdk_rds::Client,
    redshift: aws_sdk_redshift::Client,
    rolesanywhere: aws_sdk_rolesanywhere::Client,
    route53resolver: aws_sdk_route53resolver::Client,
    s3: aws_sdk_s3::Client,
    s3control: aws_sdk_s3control::Client,
    secretsmanager: aws_sdk_secretsmanager::Client,
    securityhub: aws_sdk_securityhub::Client,
    sqs: aws_sdk_sqs::Client,
    sns: aws_sdk_sns::Client,
}

/// Where remediations get their clients from. The reactor depends on this trait, so tests can
/// hand it clients that point anywhere.
pub trait ClientSource: Send + Sync {
    fn clients<'a>(
        &'a self,
        account: &'a str,
        region: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Arc<Aws>, ApiError>> + Send + 'a>>;
}

/// Builds and caches [`Aws`] clients per (account, region).
#[derive(Debug)]
pub struct Factory {
    base: SdkConfig,
    settings: Settings,
    home_account: Mutex<Option<String>>,
    cache: Mutex<HashMap<(String, String), Arc<Aws>>>,
}

impl Factory {
    /// Load the SDK's default chain (profiles, environment, region) once.
    pub async fn new(settings: Settings) -> Self {
        let timeout = settings.attempt_timeout.unwrap_or(Duration::from_secs(5));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(2).min(timeout))
                    .operation_attempt_timeout(timeout)
                    .build(),
            );
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url.clone());
        }
        let base = loader.load().await;
        let home = settings.home_account.clone();
        Self {
            base,
            settings,
            home_account: Mutex::new(home),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration every client is built from.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.base
    }

    async fn home_account(&self) -> Result<String, ApiError> {
        let mut home = self.home_account.lock().await;
        if let Some(account) = home.as_ref() {
            return Ok(account.clone());
        }
        let sts = aws_sdk_sts::Client::new(&self.base);
        let identity = sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| classify("sts:GetCallerIdentity", &e))?;
        let account = identity.account().unwrap_or_default().to_owned();
        *home = Some(account.clone());
        Ok(account)
    }

    async fn build(&self, account: &str, region: &str) -> Result<Aws, ApiError> {
        let mut config = self
            .base
            .to_builder()
            .region(Region::new(region.to_owned()))
            .build();
        let home = self.home_account().await?;
        if account != home
            && let Some(role) = &self.settings.cross_account_role
        {
            let arn = format!("arn:aws:iam::{account}:role/{role}");
            let provider = aws_config::sts::AssumeRoleProvider::builder(arn)
                .session_name("snapback")
                .configure(&config)
                .build()
                .await;
            config = config
                .to_builder()
                .credentials_provider(
                    aws_credential_types::provider::SharedCredentialsProvider::new(provider),
                )
                .build();
        }
        Ok(Aws::from_config(
            &config,
            account,
            region,
            self.settings.endpoint_url.is_some(),
        ))
    }
}

impl ClientSource for Factory {
    fn clients<'a>(
        &'a self,
        account: &'a str,
        region: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Arc<Aws>, ApiError>> + Send + 'a>>
    {
        Box::pin(async move {
            let key = (account.to_owned(), region.to_owned());
            if let Some(aws) = self.cache.lock().await.get(&key) {
                return Ok(aws.clone());
            }
            let aws = Arc::new(self.build(account, region).await?);
            self.cache.lock().await.insert(key, aws.clone());
            Ok(aws)
        })
    }
}

impl Aws {
    /// Clients for every service snapback remediates, from one configuration. `local` marks a
    /// non-AWS endpoint: S3 then uses path-style addressing.
    pub fn from_config(config: &SdkConfig, account: &str, region: &str, local: bool) -> Self {
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(local)
            .build();
        let mut s3control = aws_sdk_s3control::config::Builder::from(config);
        if local {
            s3control = s3control.interceptor(LocalHostPrefix);
        }
        Self {
            account: account.to_owned(),
            region: region.to_owned(),
            accessanalyzer: aws_sdk_accessanalyzer::Client::new(config),
            cloudtrail: aws_sdk_cloudtrail::Client::new(config),
            config: aws_sdk_config::Client::new(config),
            ec2: aws_sdk_ec2::Client::new(config),
            ecr: aws_sdk_ecr::Client::new(config),
            eventbridge: aws_sdk_eventbridge::Client::new(config),
            guardduty: aws_sdk_guardduty::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            inspector2: aws_sdk_inspector2::Client::new(config),
            kms: aws_sdk_kms::Client::new(config),
            lambda: aws_sdk_lambda::Client::new(config),
            macie2: aws_sdk_macie2::Client::new(config),
            opensearch: aws_sdk_opensearch::Client::new(config),
            rds: aws_sdk_rds::Client::new(config),
            redshift: aws_sdk_redshift::Client::new(config),
            rolesanywhere: aws_sdk_rolesanywhere::Client::new(config),
            route53resolver: aws_sdk_route53resolver::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
            secretsmanager: aws_sdk_secretsmanager::Client::new(config),
            securityhub: aws_sdk_securityhub::Client::new(config),
            sqs: aws_sdk_sqs::Client::new(config),
            sns: aws_sdk_sns::Client::new(config),
        }
    }

    /// Replace the EC2 client, for tests that mock EC2 responses.
    #[doc(hidden)]
    pub fn with_ec2_client(mut self, client: aws_sdk_ec2::Client) -> Self {
        self.ec2 = client;
        self
    }

    /// Use this client for Macie instead (tests inject a mocked one: the local AWS server does
    /// not serve `UpdateMacieSession`).
    #[doc(hidden)]
    pub fn with_macie2_client(mut self, client: aws_sdk_macie2::Client) -> Self {
        self.macie2 = client;
        self
    }

    /// Use this client for Roles Anywhere instead (tests inject a mocked one: the local AWS
    /// server does not serve Roles Anywhere).
    #[doc(hidden)]
    pub fn with_rolesanywhere_client(mut self, client: aws_sdk_rolesanywhere::Client) -> Self {
        self.rolesanywhere = client;
        self
    }

    /// Use this client for Security Hub instead (tests inject a mocked one: the local AWS
    /// server does not serve the standards calls).
    #[doc(hidden)]
    pub fn with_securityhub_client(mut self, client: aws_sdk_securityhub::Client) -> Self {
        self.securityhub = client;
        self
    }

    /// Use this client for Access Analyzer instead (tests inject a mocked one: moto does not
    /// serve Access Analyzer).
    #[doc(hidden)]
    pub fn with_accessanalyzer_client(mut self, client: aws_sdk_accessanalyzer::Client) -> Self {
        self.accessanalyzer = client;
        self
    }
}

/// S3 Control puts the account id in front of the host (`123456789012.127.0.0.1`), which a
/// local endpoint cannot answer; for local endpoints only, the prefix is taken off again.
#[derive(Debug)]
struct LocalHostPrefix;

impl aws_smithy_runtime_api::client::interceptors::Intercept for LocalHostPrefix {
    fn name(&self) -> &'static str {
        "LocalHostPrefix"
    }

    fn modify_before_transmit(
        &self,
        context: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut<'_>,
        _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let request = context.request_mut();
        let uri = request.uri().to_owned();
        if let Some((scheme, rest)) = uri.split_once("://")
            && let Some((host, path)) = rest.split_once('/').or(Some((rest, "")))
            && let Some((prefix, local)) = host.split_once('.')
            && prefix.chars().all(|c| c.is_ascii_digit())
            && (local.starts_with("127.") || local.starts_with("localhost"))
        {
            request.set_uri(format!("{scheme}://{local}/{path}"))?;
        }
        Ok(())
    }
}
