//! Redshift calls the remediations make: whether a cluster is publicly accessible, and making
//! it private.

use super::error::{found, sent};
use super::{ApiError, ErrorKind, capability};

/// A cluster being created, resized or modified refuses another change with
/// `InvalidClusterState`: transient, for the state passes.
fn busy(mut err: ApiError) -> ApiError {
    if err.code.as_deref() == Some("InvalidClusterState") {
        err.kind = ErrorKind::Transient;
    }
    err
}

capability! {
    /// The Redshift calls of the public cluster remediation.
    pub trait RedshiftOps(redshift) for aws_sdk_redshift::Client {
        /// Whether the cluster is publicly accessible, or None when it is gone.
        fn cluster_public<'a>(&'a self, cluster: &'a str) -> Option<bool>
            = "redshift:DescribeClusters", |call| {
            let read = self.describe_clusters().cluster_identifier(cluster);
            let out = found(call, read.send().await, &["ClusterNotFound"])?;
            Ok(out.and_then(|o| {
                o.clusters()
                    .iter()
                    .find(|c| c.cluster_identifier().is_some_and(|id| id.eq_ignore_ascii_case(cluster)))
                    .map(|c| c.publicly_accessible().unwrap_or(false))
            }))
        }

        /// Make the cluster not publicly accessible; nothing else is modified. A cluster busy
        /// with another change is refused as transient.
        fn make_cluster_private<'a>(&'a self, cluster: &'a str)
            -> () = "redshift:ModifyCluster", |call| {
            let modify = self.modify_cluster().cluster_identifier(cluster).publicly_accessible(false);
            sent(call, modify.send().await).map(drop).map_err(busy)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_cluster_is_transient_and_other_refusals_are_not() {
        let mut err = ApiError::new("redshift:ModifyCluster", ErrorKind::Rejected, "busy");
        err.code = Some("InvalidClusterState".to_owned());
        assert_eq!(busy(err.clone()).kind, ErrorKind::Transient);
        err.code = Some("UnauthorizedOperation".to_owned());
        assert_eq!(busy(err).kind, ErrorKind::Rejected);
    }
}
