//! ECR calls the remediations make: a repository's policy.

use super::capability;
use super::error::{found, sent};

capability! {
    /// The ECR calls of the repository policy remediation.
    pub trait EcrOps(ecr) for aws_sdk_ecr::Client {
        /// The repository's policy (JSON text), or None when it has none
        /// (`RepositoryPolicyNotFoundException`) or the repository does not exist.
        fn repository_policy<'a>(&'a self, repository: &'a str) -> Option<String>
            = "ecr:GetRepositoryPolicy", |call| {
            let read = self.get_repository_policy().repository_name(repository);
            let out = found(call, read.send().await, &[])?;
            Ok(out.and_then(|o| o.policy_text).filter(|p| !p.is_empty()))
        }

        /// Replace the repository's policy.
        fn replace_repository_policy<'a>(&'a self, repository: &'a str, policy: &'a str)
            -> () = "ecr:SetRepositoryPolicy", |call| {
            let set = self.set_repository_policy().repository_name(repository).policy_text(policy);
            sent(call, set.send().await).map(drop)
        }

        /// Remove the repository's policy.
        fn remove_repository_policy<'a>(&'a self, repository: &'a str)
            -> () = "ecr:DeleteRepositoryPolicy", |call| {
            sent(call, self.delete_repository_policy().repository_name(repository).send().await).map(drop)
        }
    }
}
