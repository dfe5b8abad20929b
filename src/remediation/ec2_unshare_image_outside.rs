//! `ec2-unshare-image-outside`: stop sharing an AMI with the accounts outside the organization
//! that a call shared it with.
//!
//! Why: an account that can launch an AMI gets whatever was baked into it (keys,
//! configuration, data); sharing belongs inside the organization, or with accounts the pack
//! trusts (`snapback:trusted`).
//! Trigger: `ec2:ModifyImageAttribute` adding outside accounts to `launchPermission` (policy
//! `ec2-ami-shared-outside`).
//! What: the plan keeps the outside accounts this call added (the `access` fact's
//! `outsideAccounts`). Apply takes only those off the launch permission; accounts of the
//! organization, trusted ones, accounts shared with later and the group `all` (the revert of
//! `ec2-ami-public`) are kept.
//! Calls: `DescribeImageAttribute` (`launchPermission`); if a planned account is still there,
//! `ModifyImageAttribute` removing those accounts; `DescribeImageAttribute` to verify. A
//! deregistered image is a no-op.
//!
//! ```cedar
//! @remediation("ec2-unshare-image-outside")
//! forbid (principal, action == Aws::Action::"ec2:ModifyImageAttribute", resource is Aws::Image)
//! when { context has access && !context.access.outsideAccounts.isEmpty() };
//! ```

use super::outside::Outside;
use super::prelude::*;

remediation! {
    UnshareImageOutside {
        name: "ec2-unshare-image-outside",
        service: "ec2",
        iam: &["ec2:DescribeImageAttribute", "ec2:ModifyImageAttribute"],
    }
    plan: |p| {
        let image = p.target("Image")?;
        let outside = Outside::of_sharing(&p, "image")?;
        let summary = format!("stop sharing image `{image}` with {}", outside.listed());
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Outside| {
        let (image, ec2, outside) = (plan.resource.as_str(), aws.ec2(), &args);
        read: || async move {
            Ok(ec2.image_sharing(image).await?.map(|s| outside.among(&s.accounts)))
        },
        still_wrong: |shared| {
            (!shared.is_empty()).then(|| format!("image `{image}` is still shared outside"))
        },
        act: |shared| async move { ec2.unshare_image_with(image, &shared).await },
    },
}

#[cfg(test)]
mod tests {
    use super::super::Remediation;
    use super::super::tests::ec2_plan;
    use super::*;
    use serde_json::json;

    #[test]
    fn the_plan_keeps_the_outside_accounts_only() {
        let params = json!({"imageId": "ami-1", "launchPermission": {"add": {"items": [
            {"userId": "123456789012"}, {"userId": "210987654321"}, {"group": "all"}]}}});
        let plan = ec2_plan(&UnshareImageOutside, "ModifyImageAttribute", params).unwrap();
        assert_eq!(plan.resource, "ami-1");
        assert_eq!(plan.args, json!({"outsideAccounts": ["210987654321"]}));

        let public =
            json!({"imageId": "ami-1", "launchPermission": {"add": {"items": [{"group": "all"}]}}});
        let err = ec2_plan(&UnshareImageOutside, "ModifyImageAttribute", public).unwrap_err();
        assert!(err.message.contains("no outside account"), "{err}");
        assert_eq!(UnshareImageOutside.name(), "ec2-unshare-image-outside");
    }
}
