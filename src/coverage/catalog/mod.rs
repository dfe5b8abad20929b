//! The frameworks `snapback coverage` reports on: every recommendation of the CIS AWS
//! Foundations Benchmark v3.0.0 ([`CIS_AWS_3_0`]) and v5.0.0 ([`CIS_AWS_5_0`]), each with, when
//! no policy can enforce it from a CloudTrail event, the reason; and the titles of the AWS
//! Foundational Security Best Practices controls and MITRE ATT&CK techniques that policies cite.

mod cis_3_0;
mod cis_5_0;

pub use cis_3_0::CIS_AWS_3_0;
pub use cis_5_0::{CIS_3_0_TO_5_0, CIS_AWS_5_0};

/// One control of a benchmark.
#[derive(Debug, Clone, Copy)]
pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
    /// Why no policy can exist for it, for controls a CloudTrail event cannot show broken;
    /// None for those a policy can (and must) cover.
    pub why_none: Option<&'static str>,
}

const fn c(id: &'static str, title: &'static str) -> Control {
    Control {
        id,
        title,
        why_none: None,
    }
}

const fn none(id: &'static str, title: &'static str, why: &'static str) -> Control {
    Control {
        id,
        title,
        why_none: Some(why),
    }
}

const MANUAL: &str = "a manual control: no API call breaks it";
const STATE: &str = "a condition of age or count over time (the credential report shows it); no single change event breaks it";
const ALARM: &str = "asks for a CloudWatch metric filter and alarm on these calls; snapback decides them itself, and the controls that each call can break list their policies";
const SUPPORT_ROLE: &str = "asks that a role exist; no change event shows it missing";
const INSTANCE_KEYS: &str =
    "whether software on an instance uses stored keys is not in CloudTrail's record of a change";
const CERT_EXPIRY: &str = "a certificate expires with time, not through an API call";
const DATA_EVENTS: &str = "which buckets need data events is a decision of each site; a selector change shows the selectors, not which buckets matter";
const DENIED: &str =
    "a denied call changes nothing: the decision log records it (errorCode) and skips it";
const FAILED_SIGN_IN: &str =
    "a failed sign-in changes nothing; the decision log records every ConsoleLogin with its result";

/// Titles of the AWS Foundational Security Best Practices controls the pack cites.
pub const AWS_FSBP: &[(&str, &str)] = &[
    ("Config.1", "AWS Config should be enabled"),
    (
        "EC2.1",
        "Amazon EBS snapshots should not be publicly restorable",
    ),
    (
        "EC2.21",
        "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389",
    ),
    (
        "EKS.1",
        "EKS cluster endpoints should not be publicly accessible",
    ),
    ("GuardDuty.1", "GuardDuty should be enabled"),
    ("IAM.4", "IAM root user access key should not exist"),
    (
        "IAM.5",
        "MFA should be enabled for all IAM users that have a console password",
    ),
    (
        "IAM.7",
        "Password policies for IAM users should have strong configurations",
    ),
    (
        "KMS.3",
        "AWS KMS keys should not be deleted unintentionally",
    ),
    (
        "Inspector.1",
        "Amazon Inspector EC2 scanning should be enabled",
    ),
    (
        "Inspector.2",
        "Amazon Inspector ECR scanning should be enabled",
    ),
    (
        "Inspector.3",
        "Amazon Inspector Lambda code scanning should be enabled",
    ),
    (
        "Inspector.4",
        "Amazon Inspector Lambda standard scanning should be enabled",
    ),
    ("KMS.5", "KMS keys should not be publicly accessible"),
    (
        "Lambda.1",
        "Lambda function policies should prohibit public access",
    ),
    ("Macie.1", "Amazon Macie should be enabled"),
    ("RDS.1", "RDS snapshot should be private"),
    ("RDS.2", "RDS DB Instances should prohibit public access"),
    (
        "RDS.3",
        "RDS DB instances should have encryption at-rest enabled",
    ),
    (
        "RDS.11",
        "RDS instances should have automatic backups enabled",
    ),
    (
        "RDS.13",
        "RDS automatic minor version upgrades should be enabled",
    ),
    (
        "Redshift.1",
        "Amazon Redshift clusters should prohibit public access",
    ),
    (
        "S3.4",
        "S3 general purpose buckets should have server-side encryption enabled",
    ),
    (
        "S3.6",
        "S3 general purpose bucket policies should restrict access to other AWS accounts",
    ),
    (
        "S3.9",
        "S3 general purpose buckets should have server access logging enabled",
    ),
    (
        "SQS.3",
        "SQS queue access policies should not allow public access",
    ),
];

/// Names of the MITRE ATT&CK (Enterprise, cloud) techniques the pack cites.
pub const ATTACK: &[(&str, &str)] = &[
    ("T1078.004", "Valid Accounts: Cloud Accounts"),
    ("T1098", "Account Manipulation"),
    (
        "T1098.001",
        "Account Manipulation: Additional Cloud Credentials",
    ),
    ("T1098.003", "Account Manipulation: Additional Cloud Roles"),
    ("T1199", "Trusted Relationship"),
    ("T1485", "Data Destruction"),
    ("T1490", "Inhibit System Recovery"),
    ("T1525", "Implant Internal Image"),
    ("T1530", "Data from Cloud Storage"),
    ("T1537", "Transfer Data to Cloud Account"),
    (
        "T1556.006",
        "Modify Authentication Process: Multi-Factor Authentication",
    ),
    ("T1562.001", "Impair Defenses: Disable or Modify Tools"),
    (
        "T1562.007",
        "Impair Defenses: Disable or Modify Cloud Firewall",
    ),
    ("T1562.008", "Impair Defenses: Disable or Modify Cloud Logs"),
    ("T1666", "Modify Cloud Resource Hierarchy"),
];
