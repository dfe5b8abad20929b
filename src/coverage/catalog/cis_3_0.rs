//! CIS Amazon Web Services Foundations Benchmark v3.0.0: every recommendation, with the reason
//! none can exist for those no change CloudTrail records can break.

use super::{
    ALARM, CERT_EXPIRY, Control, DATA_EVENTS, DENIED, FAILED_SIGN_IN, INSTANCE_KEYS, MANUAL, STATE,
    SUPPORT_ROLE, c, none,
};

/// CIS Amazon Web Services Foundations Benchmark v3.0.0, every recommendation.
pub const CIS_AWS_3_0: &[Control] = &[
    none("1.1", "Maintain current contact details", MANUAL),
    none(
        "1.2",
        "Ensure security contact information is registered",
        MANUAL,
    ),
    none(
        "1.3",
        "Ensure security questions are registered in the AWS account",
        MANUAL,
    ),
    c("1.4", "Ensure no 'root' user account access key exists"),
    c("1.5", "Ensure MFA is enabled for the 'root' user account"),
    c(
        "1.6",
        "Ensure hardware MFA is enabled for the 'root' user account",
    ),
    c(
        "1.7",
        "Eliminate use of the 'root' user for administrative and daily tasks",
    ),
    c(
        "1.8",
        "Ensure IAM password policy requires minimum length of 14 or greater",
    ),
    c("1.9", "Ensure IAM password policy prevents password reuse"),
    c(
        "1.10",
        "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
    ),
    c(
        "1.11",
        "Do not setup access keys during initial user setup for all IAM users that have a console password",
    ),
    none(
        "1.12",
        "Ensure credentials unused for 45 days or greater are disabled",
        STATE,
    ),
    none(
        "1.13",
        "Ensure there is only one active access key available for any single IAM user",
        STATE,
    ),
    none(
        "1.14",
        "Ensure access keys are rotated every 90 days or less",
        STATE,
    ),
    c(
        "1.15",
        "Ensure IAM Users Receive Permissions Only Through Groups",
    ),
    c(
        "1.16",
        "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
    ),
    none(
        "1.17",
        "Ensure a support role has been created to manage incidents with AWS Support",
        SUPPORT_ROLE,
    ),
    none(
        "1.18",
        "Ensure IAM instance roles are used for AWS resource access from instances",
        INSTANCE_KEYS,
    ),
    none(
        "1.19",
        "Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed",
        CERT_EXPIRY,
    ),
    c(
        "1.20",
        "Ensure that IAM Access analyzer is enabled for all regions",
    ),
    none(
        "1.21",
        "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments",
        MANUAL,
    ),
    c(
        "1.22",
        "Ensure access to AWSCloudShellFullAccess is restricted",
    ),
    c(
        "2.1.1",
        "Ensure S3 Bucket Policy is set to deny HTTP requests",
    ),
    c("2.1.2", "Ensure MFA Delete is enabled on S3 buckets"),
    none(
        "2.1.3",
        "Ensure all data in Amazon S3 has been discovered, classified and secured when required",
        MANUAL,
    ),
    c(
        "2.1.4",
        "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'",
    ),
    c(
        "2.2.1",
        "Ensure EBS Volume Encryption is Enabled in all Regions",
    ),
    c(
        "2.3.1",
        "Ensure that encryption-at-rest is enabled for RDS Instances",
    ),
    c(
        "2.3.2",
        "Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances",
    ),
    c(
        "2.3.3",
        "Ensure that public access is not given to RDS Instance",
    ),
    c(
        "2.4.1",
        "Ensure that encryption is enabled for EFS file systems",
    ),
    c("3.1", "Ensure CloudTrail is enabled in all regions"),
    c("3.2", "Ensure CloudTrail log file validation is enabled"),
    c("3.3", "Ensure AWS Config is enabled in all regions"),
    c(
        "3.4",
        "Ensure that S3 Bucket access logging is enabled on the CloudTrail S3 bucket",
    ),
    c(
        "3.5",
        "Ensure CloudTrail logs are encrypted at rest using KMS CMKs",
    ),
    c(
        "3.6",
        "Ensure rotation for customer-created symmetric CMKs is enabled",
    ),
    c("3.7", "Ensure VPC flow logging is enabled in all VPCs"),
    none(
        "3.8",
        "Ensure that Object-level logging for write events is enabled for S3 bucket",
        DATA_EVENTS,
    ),
    none(
        "3.9",
        "Ensure that Object-level logging for read events is enabled for S3 bucket",
        DATA_EVENTS,
    ),
    none("4.1", "Ensure unauthorized API calls are monitored", DENIED),
    c(
        "4.2",
        "Ensure management console sign-in without MFA is monitored",
    ),
    c("4.3", "Ensure usage of 'root' account is monitored"),
    c("4.4", "Ensure IAM policy changes are monitored"),
    c(
        "4.5",
        "Ensure CloudTrail configuration changes are monitored",
    ),
    none(
        "4.6",
        "Ensure AWS Management Console authentication failures are monitored",
        FAILED_SIGN_IN,
    ),
    c(
        "4.7",
        "Ensure disabling or scheduled deletion of customer created CMKs is monitored",
    ),
    c("4.8", "Ensure S3 bucket policy changes are monitored"),
    c(
        "4.9",
        "Ensure AWS Config configuration changes are monitored",
    ),
    c("4.10", "Ensure security group changes are monitored"),
    c(
        "4.11",
        "Ensure Network Access Control Lists (NACL) changes are monitored",
    ),
    none(
        "4.12",
        "Ensure changes to network gateways are monitored",
        ALARM,
    ),
    none("4.13", "Ensure route table changes are monitored", ALARM),
    none("4.14", "Ensure VPC changes are monitored", ALARM),
    c("4.15", "Ensure AWS Organizations changes are monitored"),
    c("4.16", "Ensure AWS Security Hub is enabled"),
    c(
        "5.1",
        "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports",
    ),
    c(
        "5.2",
        "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports",
    ),
    c(
        "5.3",
        "Ensure no security groups allow ingress from ::/0 to remote server administration ports",
    ),
    c(
        "5.4",
        "Ensure the default security group of every VPC restricts all traffic",
    ),
    none(
        "5.5",
        "Ensure routing tables for VPC peering are \"least access\"",
        MANUAL,
    ),
    c("5.6", "Ensure that EC2 Metadata Service only allows IMDSv2"),
];
