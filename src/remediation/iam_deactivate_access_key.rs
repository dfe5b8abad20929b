//! `iam-deactivate-access-key`: make inactive an access key someone created for another user.
//!
//! Why: a key created for someone else is a credential its creator has seen (the secret is in
//! the response) and can use as that user: a common way to take over a more privileged user.
//! Trigger: `iam:CreateAccessKey` for a user other than the caller (policy
//! `iam-access-key-for-other-user`).
//! What: the plan takes the key id from the call's response (`accessKey.accessKeyId`), so only
//! that key is touched. Apply makes it `Inactive`; it is never deleted, so that the owner or an
//! administrator can look at it and make it active again.
//! Calls: `ListAccessKeys` for the user; if the key is still active, `UpdateAccessKey`
//! (`Inactive`); `ListAccessKeys` to verify. A user or key that is gone is a no-op.
//!
//! ```cedar
//! @remediation("iam-deactivate-access-key")
//! forbid (principal, action == Aws::Action::"iam:CreateAccessKey", resource is Aws::IamUser)
//! when { resource.name != principal.userName };
//! ```

use serde::{Deserialize, Serialize};

use super::prelude::*;

#[derive(Debug, Serialize, Deserialize)]
struct Args {
    #[serde(rename = "accessKeyId")]
    key: String,
}

remediation! {
    DeactivateAccessKey {
        name: "iam-deactivate-access-key",
        service: "iam",
        iam: &["iam:ListAccessKeys", "iam:UpdateAccessKey"],
    }
    plan: |p| {
        let user = p.target("IamUser")?;
        let key = p
            .response("accessKey.accessKeyId")
            .ok_or_else(|| p.error("the event's response names no access key"))?;
        let summary = format!("make access key `{key}` of user `{user}` inactive");
        Ok(p.plan(serde_json::json!({"accessKeyId": key}), summary))
    },
    revert: |plan, aws, args: Args| {
        let (user, iam, key) = (plan.resource.as_str(), aws.iam(), args.key.as_str());
        read: || async move {
            let keys = iam.access_keys(user).await?.unwrap_or_default();
            Ok(keys.into_iter().find(|(id, _)| id == key).map(|(_, active)| active))
        },
        still_wrong: |active| active.then(|| format!("access key `{key}` is still active")),
        act: |_| iam.deactivate_access_key(user, key),
    },
}

#[cfg(test)]
mod tests {
    use super::super::Remediation;
    use super::*;

    #[test]
    fn the_key_comes_from_the_response() {
        let record = serde_json::json!({
            "eventVersion": "1.09", "eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey",
            "awsRegion": "us-east-1", "recipientAccountId": "123456789012", "eventID": "e1",
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/dev", "accountId": "123456789012"},
            "requestParameters": {"userName": "admin"},
            "responseElements": {"accessKey": {"accessKeyId": "AKIAEXAMPLEKEY000001", "status": "Active", "userName": "admin"}}
        });
        let mut events = Vec::new();
        let mut parser = crate::event::StreamParser::new("test");
        parser.push(record.to_string().as_bytes(), &mut |e| events.push(e));
        parser.finish(&mut |e| events.push(e));
        let event = events.pop().unwrap().unwrap();
        let plan = DeactivateAccessKey
            .plan(&event, &crate::model::build(&event))
            .unwrap();
        assert_eq!(plan.resource, "admin");
        assert_eq!(
            plan.args,
            serde_json::json!({"accessKeyId": "AKIAEXAMPLEKEY000001"})
        );
    }
}
