//! `s3-remove-public-policy-statements`: take the public statements out of a bucket policy.
//!
//! Why: an Allow to `Principal: "*"` without a limiting condition (source VPC endpoint,
//! organization, account, ...) lets anyone on the internet use the bucket (CIS 2.1.4).
//! Trigger: `s3:PutBucketPolicy` whose policy has such a statement (policy
//! `s3-bucket-policy-public`).
//! What: the plan lists the public statements this call set. Apply removes from the current
//! policy each statement that is still public and is one of those (same `Sid`, or the same
//! statement once `{"AWS": "*"}` and one-element lists are normalised), keeping every other
//! statement, `Version` and `Id`; if no statement remains, the bucket policy is deleted. A
//! public statement someone put later (the break-glass role, say) is not touched.
//! Calls: `GetBucketPolicy`; if a planned statement is there, `PutBucketPolicy` with the rest,
//! or `DeleteBucketPolicy` when nothing is left; `GetBucketPolicy` to verify. A bucket without
//! a policy, or deleted, is a no-op.
//!
//! ```cedar
//! @remediation("s3-remove-public-policy-statements")
//! forbid (principal, action == Aws::Action::"s3:PutBucketPolicy", resource is Aws::Bucket)
//! when { context has bucketPolicy && context.bucketPolicy.public };
//! ```

use serde_json::Value as Json;

use super::policy_doc::{read_bucket_policy, requested_bucket_policy, write_bucket_policy};
use super::prelude::*;
use crate::model::s3::{statement_is_public, statements};

remediation! {
    RemovePublicPolicyStatements {
        name: "s3-remove-public-policy-statements",
        service: "s3",
        iam: &["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
    }
    plan: |p| {
        let bucket = p.target("Bucket")?;
        let doc = requested_bucket_policy(&p)?;
        let public: Vec<&Json> =
            statements(&doc).into_iter().filter(|s| statement_is_public(s)).collect();
        if public.is_empty() {
            return Err(p.error("the bucket policy has no public statement"));
        }
        let summary = format!(
            "remove {} public statement(s) from the policy of bucket `{bucket}`",
            public.len()
        );
        Ok(p.plan(serde_json::json!({"statements": public}), summary))
    },
    revert: |plan, aws| {
        let (bucket, s3) = (plan.resource.as_str(), aws.s3());
        let planned = plan.args.get("statements").and_then(Json::as_array);
        let planned = planned.map(Vec::as_slice).unwrap_or_default();
        read: || read_bucket_policy(s3, bucket),
        still_wrong: |doc| {
            statements(doc)
                .into_iter()
                .any(|s| is_planned(planned, s))
                .then(|| format!("bucket `{bucket}` still has a public statement"))
        },
        act: |doc| async move {
            let kept: Vec<Json> = statements(&doc)
                .into_iter()
                .filter(|s| !is_planned(planned, s))
                .cloned()
                .collect();
            let mut rest = doc;
            if let Some(object) = rest.as_object_mut() {
                object.insert("Statement".into(), Json::Array(kept));
            }
            write_bucket_policy(s3, bucket, &rest).await
        },
    },
}

/// Whether `current` is still public and is one of the planned statements.
fn is_planned(planned: &[Json], current: &Json) -> bool {
    statement_is_public(current) && planned.iter().any(|p| same_statement(p, current))
}

/// The same statement: the same non-empty `Sid`, or equal once normalised the way S3 may
/// rewrite a stored policy.
fn same_statement(planned: &Json, current: &Json) -> bool {
    match planned
        .get("Sid")
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
    {
        Some(sid) => current.get("Sid").and_then(Json::as_str) == Some(sid),
        None => normalise(planned) == normalise(current),
    }
}

/// `{"AWS": "*"}` (or `["*"]`) as `"*"`, and one-element lists as their element.
fn normalise(value: &Json) -> Json {
    match value {
        Json::Array(items) => match items.as_slice() {
            [one] => normalise(one),
            _ => Json::Array(items.iter().map(normalise).collect()),
        },
        Json::Object(map) => {
            let object: serde_json::Map<String, Json> =
                map.iter().map(|(k, v)| (k.clone(), normalise(v))).collect();
            if object.len() == 1 && object.get("AWS") == Some(&Json::String("*".into())) {
                return Json::String("*".into());
            }
            Json::Object(object)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statements_match_by_sid_or_normalised_form() {
        let planned = json!({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"});
        let stored = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"});
        assert!(same_statement(&planned, &stored));
        let other = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"});
        assert!(!same_statement(&planned, &other));
        let with_sid =
            json!({"Sid": "Pub", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"});
        assert!(same_statement(
            &with_sid,
            &json!({"Sid": "Pub", "Effect": "Allow", "Principal": "*", "Action": "s3:*"})
        ));
        assert!(!is_planned(
            &[with_sid],
            &json!({"Sid": "Pub", "Effect": "Deny", "Principal": "*"})
        ));
    }
}
