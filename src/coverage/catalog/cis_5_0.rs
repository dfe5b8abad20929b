//! CIS Amazon Web Services Foundations Benchmark v5.0.0: every recommendation, with the reason
//! none can exist for those no change CloudTrail records can break, and which v3.0.0
//! recommendation each one was.
//!
//! Sources, which agree on every id and title: the v5.0 compliance file of Prowler
//! (`prowler/compliance/aws/cis_5.0_aws.json`, which prints 1.10 as `1.1`; its place in the
//! list and the second source give 1.10) and Turbot's Steampipe AWS Compliance mod
//! (`cis_v500/section_1.pp` to `section_5.pp`); Tenable's audits "CIS Amazon Web Services
//! Foundations v5.0.0 L1" and "L2" count 41 and 22 items, the 63 here. Titles are Prowler's,
//! with the quotes it drops (1.15, 5.6) put back as in v3.0.0. v5.0.0 drops v3.0.0's 1.3
//! (security questions), moves EBS encryption from 2.2.1 to 5.1.1, renumbers the rest of
//! sections 1, 2 and 5, and adds 2.2.4 (RDS Multi-AZ) and 5.1.2 (CIFS).

use super::{
    ALARM, CERT_EXPIRY, Control, DATA_EVENTS, DENIED, FAILED_SIGN_IN, INSTANCE_KEYS, MANUAL, STATE,
    SUPPORT_ROLE, c, none,
};

/// CIS Amazon Web Services Foundations Benchmark v5.0.0, every recommendation.
pub const CIS_AWS_5_0: &[Control] = &[
    none("1.1", "Maintain current contact details", MANUAL),
    none(
        "1.2",
        "Ensure security contact information is registered",
        MANUAL,
    ),
    c("1.3", "Ensure no 'root' user account access key exists"),
    c("1.4", "Ensure MFA is enabled for the 'root' user account"),
    c(
        "1.5",
        "Ensure hardware MFA is enabled for the 'root' user account",
    ),
    c(
        "1.6",
        "Eliminate use of the 'root' user for administrative and daily tasks",
    ),
    c(
        "1.7",
        "Ensure IAM password policy requires minimum length of 14 or greater",
    ),
    c("1.8", "Ensure IAM password policy prevents password reuse"),
    c(
        "1.9",
        "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
    ),
    c(
        "1.10",
        "Do not create access keys during initial setup for IAM users with a console password",
    ),
    none(
        "1.11",
        "Ensure credentials unused for 45 days or more are disabled",
        STATE,
    ),
    none(
        "1.12",
        "Ensure there is only one active access key for any single IAM user",
        STATE,
    ),
    none(
        "1.13",
        "Ensure access keys are rotated every 90 days or less",
        STATE,
    ),
    c(
        "1.14",
        "Ensure IAM users receive permissions only through groups",
    ),
    c(
        "1.15",
        "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
    ),
    none(
        "1.16",
        "Ensure a support role has been created to manage incidents with AWS Support",
        SUPPORT_ROLE,
    ),
    none(
        "1.17",
        "Ensure IAM instance roles are used for AWS resource access from instances",
        INSTANCE_KEYS,
    ),
    none(
        "1.18",
        "Ensure that all expired SSL/TLS certificates stored in AWS IAM are removed",
        CERT_EXPIRY,
    ),
    c(
        "1.19",
        "Ensure that IAM External Access Analyzer is enabled for all regions",
    ),
    none(
        "1.20",
        "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments",
        MANUAL,
    ),
    c(
        "1.21",
        "Ensure access to AWSCloudShellFullAccess is restricted",
    ),
    c(
        "2.1.1",
        "Ensure S3 Bucket Policy is set to deny HTTP requests",
    ),
    c("2.1.2", "Ensure MFA Delete is enabled on S3 buckets"),
    none(
        "2.1.3",
        "Ensure all data in Amazon S3 has been discovered, classified, and secured when necessary",
        MANUAL,
    ),
    c(
        "2.1.4",
        "Ensure that S3 is configured with 'Block Public Access' enabled",
    ),
    c(
        "2.2.1",
        "Ensure that encryption-at-rest is enabled for RDS instances",
    ),
    c(
        "2.2.2",
        "Ensure the Auto Minor Version Upgrade feature is enabled for RDS instances",
    ),
    c(
        "2.2.3",
        "Ensure that RDS instances are not publicly accessible",
    ),
    c(
        "2.2.4",
        "Ensure Multi-AZ deployments are used for enhanced availability in Amazon RDS",
    ),
    c(
        "2.3.1",
        "Ensure that encryption is enabled for EFS file systems",
    ),
    c("3.1", "Ensure CloudTrail is enabled in all regions"),
    c("3.2", "Ensure CloudTrail log file validation is enabled"),
    c("3.3", "Ensure AWS Config is enabled in all regions"),
    c(
        "3.4",
        "Ensure that server access logging is enabled on the CloudTrail S3 bucket",
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
        "Ensure that object-level logging for write events is enabled for S3 buckets",
        DATA_EVENTS,
    ),
    none(
        "3.9",
        "Ensure that object-level logging for read events is enabled for S3 buckets",
        DATA_EVENTS,
    ),
    none("4.1", "Ensure unauthorized API calls are monitored", DENIED),
    c(
        "4.2",
        "Ensure management console sign-in without MFA is monitored",
    ),
    c("4.3", "Ensure usage of the 'root' account is monitored"),
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
        "Ensure Network Access Control List (NACL) changes are monitored",
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
        "5.1.1",
        "Ensure EBS volume encryption is enabled in all regions",
    ),
    c(
        "5.1.2",
        "Ensure CIFS access is restricted to trusted networks to prevent unauthorized access",
    ),
    c(
        "5.2",
        "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports",
    ),
    c(
        "5.3",
        "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports",
    ),
    c(
        "5.4",
        "Ensure no security groups allow ingress from ::/0 to remote server administration ports",
    ),
    c(
        "5.5",
        "Ensure the default security group of every VPC restricts all traffic",
    ),
    none(
        "5.6",
        "Ensure routing tables for VPC peering are \"least access\"",
        MANUAL,
    ),
    c(
        "5.7",
        "Ensure that the EC2 Metadata Service only allows IMDSv2",
    ),
];

/// `(v3.0.0 id, v5.0.0 id)` for every recommendation the two versions share, same or
/// renumbered (the titles match, up to wording). v3.0.0's 1.3 has no v5.0.0 counterpart;
/// v5.0.0's 2.2.4 and 5.1.2 have no v3.0.0 one.
pub const CIS_3_0_TO_5_0: &[(&str, &str)] = &[
    ("1.1", "1.1"),
    ("1.2", "1.2"),
    ("1.4", "1.3"),
    ("1.5", "1.4"),
    ("1.6", "1.5"),
    ("1.7", "1.6"),
    ("1.8", "1.7"),
    ("1.9", "1.8"),
    ("1.10", "1.9"),
    ("1.11", "1.10"),
    ("1.12", "1.11"),
    ("1.13", "1.12"),
    ("1.14", "1.13"),
    ("1.15", "1.14"),
    ("1.16", "1.15"),
    ("1.17", "1.16"),
    ("1.18", "1.17"),
    ("1.19", "1.18"),
    ("1.20", "1.19"),
    ("1.21", "1.20"),
    ("1.22", "1.21"),
    ("2.1.1", "2.1.1"),
    ("2.1.2", "2.1.2"),
    ("2.1.3", "2.1.3"),
    ("2.1.4", "2.1.4"),
    ("2.2.1", "5.1.1"),
    ("2.3.1", "2.2.1"),
    ("2.3.2", "2.2.2"),
    ("2.3.3", "2.2.3"),
    ("2.4.1", "2.3.1"),
    ("3.1", "3.1"),
    ("3.2", "3.2"),
    ("3.3", "3.3"),
    ("3.4", "3.4"),
    ("3.5", "3.5"),
    ("3.6", "3.6"),
    ("3.7", "3.7"),
    ("3.8", "3.8"),
    ("3.9", "3.9"),
    ("4.1", "4.1"),
    ("4.2", "4.2"),
    ("4.3", "4.3"),
    ("4.4", "4.4"),
    ("4.5", "4.5"),
    ("4.6", "4.6"),
    ("4.7", "4.7"),
    ("4.8", "4.8"),
    ("4.9", "4.9"),
    ("4.10", "4.10"),
    ("4.11", "4.11"),
    ("4.12", "4.12"),
    ("4.13", "4.13"),
    ("4.14", "4.14"),
    ("4.15", "4.15"),
    ("4.16", "4.16"),
    ("5.1", "5.2"),
    ("5.2", "5.3"),
    ("5.3", "5.4"),
    ("5.4", "5.5"),
    ("5.5", "5.6"),
    ("5.6", "5.7"),
];

#[cfg(test)]
mod tests {
    use super::super::CIS_AWS_3_0;
    use super::*;

    fn ids(catalog: &[Control]) -> Vec<&str> {
        catalog.iter().map(|c| c.id).collect()
    }

    #[test]
    fn v5_lists_every_recommendation_once() {
        let mut ids = ids(CIS_AWS_5_0);
        assert_eq!(ids.len(), 63, "41 level 1 and 22 level 2 recommendations");
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 63, "an id is listed twice");
    }

    #[test]
    fn the_mapping_names_only_catalogued_ids_each_once() {
        let (v3, v5) = (ids(CIS_AWS_3_0), ids(CIS_AWS_5_0));
        for (old, new) in CIS_3_0_TO_5_0 {
            assert!(v3.contains(old), "`{old}` is not a v3.0.0 id");
            assert!(v5.contains(new), "`{new}` is not a v5.0.0 id");
        }
        let unmapped_v3: Vec<&str> = v3
            .iter()
            .filter(|id| !CIS_3_0_TO_5_0.iter().any(|(old, _)| old == *id))
            .copied()
            .collect();
        assert_eq!(unmapped_v3, ["1.3"]);
        let unmapped_v5: Vec<&str> = v5
            .iter()
            .filter(|id| !CIS_3_0_TO_5_0.iter().any(|(_, new)| new == *id))
            .copied()
            .collect();
        assert_eq!(unmapped_v5, ["2.2.4", "5.1.2"]);
        assert_eq!(CIS_3_0_TO_5_0.len(), v5.len() - 2);
    }

    #[test]
    fn a_carried_over_recommendation_keeps_its_reason() {
        let find = |catalog: &[Control], id: &str| catalog.iter().find(|c| c.id == id).copied();
        for (old, new) in CIS_3_0_TO_5_0 {
            let (v3, v5) = (find(CIS_AWS_3_0, old), find(CIS_AWS_5_0, new));
            assert_eq!(
                v3.map(|c| c.why_none),
                v5.map(|c| c.why_none),
                "v3.0.0 `{old}` and v5.0.0 `{new}` disagree on whether a change can break it"
            );
        }
    }
}
