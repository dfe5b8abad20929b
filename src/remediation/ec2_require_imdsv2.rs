//! `ec2-require-imdsv2`: make an instance require IMDSv2 session tokens again.
//!
//! Why: IMDSv1 answers any local request, so an SSRF bug in an application on the instance is
//! enough to steal its role's credentials (CIS 5.6).
//! Trigger: `ec2:ModifyInstanceMetadataOptions` with `httpTokens` `optional` (policy
//! `ec2-imdsv1-enabled`).
//! Calls: `DescribeInstances`; if tokens are not required, `ModifyInstanceMetadataOptions` with
//! only `HttpTokens=required` (the endpoint, hop limit and tags settings are left as they are);
//! `DescribeInstances` to verify. A deleted or terminated instance is a no-op.
//!
//! ```cedar
//! @remediation("ec2-require-imdsv2")
//! forbid (principal, action == Aws::Action::"ec2:ModifyInstanceMetadataOptions", resource is Aws::Instance)
//! when { context has instanceMetadata && context.instanceMetadata.httpTokens == "optional" };
//! ```

use super::prelude::*;

/// Instance states in which the metadata options no longer matter (or can no longer change).
const ENDED: &[&str] = &["shutting-down", "terminated"];

remediation! {
    RequireImdsv2 {
        name: "ec2-require-imdsv2",
        service: "ec2",
        iam: &["ec2:DescribeInstances", "ec2:ModifyInstanceMetadataOptions"],
    }
    plan: |p| p.resource("Instance", |instance| {
        format!("require IMDSv2 (HttpTokens=required) on instance `{instance}`")
    }),
    revert: |plan, aws| {
        let (instance, ec2) = (plan.resource.as_str(), aws.ec2());
        read: || ec2.instance_metadata(instance),
        still_wrong: |m| {
            (m.http_tokens != "required" && !ENDED.contains(&m.state.as_str()))
                .then(|| format!("HttpTokens is still `{}`", m.http_tokens))
        },
        act: |_| ec2.require_imdsv2(instance),
    },
}
