//! Every remediation against a real AWS API server (moto, started by ./scripts/test): create
//! the non-compliant state with the SDK, feed the matching event, check with a read that the
//! change was reverted and unrelated state kept, deliver the event again (a no-op), and check
//! that audit mode changes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

mod accessanalyzer;
mod cloudtrail;
mod config;
mod ec2;
mod ecr;
mod events;
mod guardduty;
mod iam;
mod iam_cloudshell;
mod inspector2;
mod kms;
mod lambda;
mod macie;
mod opensearch;
mod rds;
mod redshift;
mod rolesanywhere;
mod route53resolver;
mod s3;
mod secretsmanager;
mod securityhub;
mod securityhub_standards;
mod sns;
mod sqs;
