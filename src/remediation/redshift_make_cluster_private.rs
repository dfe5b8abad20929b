//! `redshift-make-cluster-private`: make a publicly accessible Redshift cluster private again.
//!
//! Why: a publicly accessible cluster gets a public address, so the warehouse listens on the
//! internet wherever its security groups let anyone in (AWS FSBP Redshift.1).
//! Trigger: `redshift:CreateCluster` or `ModifyCluster` with `publiclyAccessible: true` (policy
//! `redshift-cluster-public`).
//! Calls: `DescribeClusters`; if the cluster is publicly accessible, `ModifyCluster` with
//! `PubliclyAccessible=false` and nothing else; `DescribeClusters` to verify. A cluster that is
//! gone is a no-op; one busy with another change refuses with `InvalidClusterState`, which is
//! retried.
//!
//! ```cedar
//! @remediation("redshift-make-cluster-private")
//! forbid (principal, action in [Aws::Action::"redshift:CreateCluster",
//!     Aws::Action::"redshift:ModifyCluster"], resource is Aws::RedshiftCluster)
//! when { context has redshiftCluster && context.redshiftCluster has publiclyAccessible
//!     && context.redshiftCluster.publiclyAccessible };
//! ```

use super::prelude::*;

remediation! {
    MakeClusterPrivate {
        name: "redshift-make-cluster-private",
        service: "redshift",
        iam: &["redshift:DescribeClusters", "redshift:ModifyCluster"],
    }
    plan: |p| p.resource("RedshiftCluster", |cluster| {
        format!("make Redshift cluster `{cluster}` not publicly accessible")
    }),
    revert: |plan, aws| {
        let (cluster, redshift) = (plan.resource.as_str(), aws.redshift());
        read: || redshift.cluster_public(cluster),
        still_wrong: |public| {
            public.then(|| format!("Redshift cluster `{cluster}` is still publicly accessible"))
        },
        act: |_| redshift.make_cluster_private(cluster),
    },
}
