//! The Redshift remediation on moto: a cluster made publicly accessible is made private again
//! (the shipped policy `redshift-cluster-public` names it).

use aws_sdk_redshift::Client;
use serde_json::json;
use snapback::Event;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

async fn redshift() -> Client {
    Client::new(&sdk_config().await)
}

async fn cluster(redshift: &Client, public: bool) -> String {
    let id = unique("warehouse").to_lowercase();
    redshift
        .create_cluster()
        .cluster_identifier(&id)
        .node_type("dc2.large")
        .master_username("admin")
        .master_user_password("Not-a-real-password-1")
        .publicly_accessible(public)
        .send()
        .await
        .unwrap();
    id
}

async fn is_public(redshift: &Client, id: &str) -> bool {
    let out = redshift
        .describe_clusters()
        .cluster_identifier(id)
        .send()
        .await
        .unwrap();
    out.clusters()[0].publicly_accessible().unwrap()
}

fn modify(id: &str) -> Event {
    event(
        "redshift.amazonaws.com",
        "ModifyCluster",
        json!({"clusterIdentifier": id, "publiclyAccessible": true}),
    )
}

#[tokio::test]
async fn a_public_cluster_is_made_private() {
    let redshift = redshift().await;
    let (id, other) = (
        cluster(&redshift, true).await,
        cluster(&redshift, true).await,
    );

    let audit = react(&reactor(ModeOverride::Audit).await, &modify(&id)).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert!(
        is_public(&redshift, &id).await,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &modify(&id)).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "redshift:DescribeClusters",
            "redshift:ModifyCluster",
            "redshift:DescribeClusters"
        ]
    );
    assert!(!is_public(&redshift, &id).await);
    assert!(
        is_public(&redshift, &other).await,
        "another cluster was not touched"
    );
    let again = react(&reactor(ModeOverride::Enforce).await, &modify(&id)).await;
    assert_eq!(status(&again), "noop", "a second delivery: {again:?}");
}

#[tokio::test]
async fn a_deleted_cluster_is_a_noop() {
    let gone = unique("gone").to_lowercase();
    let record = react(&reactor(ModeOverride::Enforce).await, &modify(&gone)).await;
    assert_eq!(status(&record), "noop", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        ["redshift:DescribeClusters"]
    );
}
