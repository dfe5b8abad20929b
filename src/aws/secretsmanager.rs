//! Secrets Manager calls the remediations make: a secret's resource policy.

use super::capability;
use super::error::{found, sent};

capability! {
    /// The Secrets Manager calls of the secret policy remediation.
    pub trait SecretsManagerOps(secretsmanager) for aws_sdk_secretsmanager::Client {
        /// The secret's resource policy (JSON text), or None when the secret has none or does
        /// not exist.
        fn secret_policy<'a>(&'a self, secret: &'a str) -> Option<String>
            = "secretsmanager:GetResourcePolicy", |call| {
            let out = found(call, self.get_resource_policy().secret_id(secret).send().await, &[])?;
            Ok(out.and_then(|o| o.resource_policy).filter(|p| !p.is_empty()))
        }

        /// Replace the secret's resource policy.
        fn set_secret_policy<'a>(&'a self, secret: &'a str, policy: &'a str)
            -> () = "secretsmanager:PutResourcePolicy", |call| {
            let put = self.put_resource_policy().secret_id(secret).resource_policy(policy);
            sent(call, put.send().await).map(drop)
        }

        /// Remove the secret's resource policy.
        fn remove_secret_policy<'a>(&'a self, secret: &'a str)
            -> () = "secretsmanager:DeleteResourcePolicy", |call| {
            sent(call, self.delete_resource_policy().secret_id(secret).send().await).map(drop)
        }
    }
}
