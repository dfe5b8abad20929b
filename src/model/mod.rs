//! From a CloudTrail event to a Cedar request: principal, action, resource, context and the
//! entities they refer to. Pure and table-driven: each service file lists the events it knows,
//! the resource each names and the facts derived for it; unknown events still get a request
//! (the account as resource, no derived facts) so that broad policies see them.

pub mod access;
mod document;
mod fields;
mod identity;
pub(crate) mod json;
mod malformed;
mod net;
pub mod org;
mod params;
mod spec;
mod value;

mod accessanalyzer;
mod cloudtrail;
mod config;
pub(crate) mod ec2;
mod efs;
mod eks;
mod events;
mod guardduty;
pub(crate) mod iam;
mod inspector;
mod kms;
mod lambda;
mod logs;
mod macie;
mod organizations;
mod rds;
mod redshift;
mod resource_policies;
mod rolesanywhere;
mod route53resolver;
pub(crate) mod s3;
mod securityhub;
mod signin;
mod sts;

use serde_json::Map;

use crate::event::{self, Event, EventTime, Head};

pub use fields::Fields;
pub use identity::identity_types;
pub use identity::{malformed_principal_type, principal_type};
pub use malformed::{Malformed, PRINCIPAL_TYPE, RESOURCE};
pub use org::Org;
pub use spec::{ACCOUNT, Arn, EventSpec, FactsFn, Id, Input, ResourceKind};
pub use value::{EntityData, Request, Uid, Value};

/// Every service snapback models, by the first label of `eventSource`.
pub const SERVICES: &[(&str, &[EventSpec])] = &[
    ("access-analyzer", accessanalyzer::EVENTS),
    ("cloudtrail", cloudtrail::EVENTS),
    ("config", config::EVENTS),
    ("ec2", ec2::EVENTS),
    ("ecr", resource_policies::ECR),
    ("eks", eks::EVENTS),
    ("elasticfilesystem", efs::EVENTS),
    ("es", resource_policies::OPENSEARCH),
    ("events", events::EVENTS),
    ("guardduty", guardduty::EVENTS),
    ("iam", iam::EVENTS),
    ("inspector2", inspector::EVENTS),
    ("kms", kms::EVENTS),
    ("lambda", lambda::EVENTS),
    ("logs", logs::EVENTS),
    ("macie2", macie::EVENTS),
    ("organizations", organizations::EVENTS),
    ("rds", rds::EVENTS),
    ("redshift", redshift::EVENTS),
    ("rolesanywhere", rolesanywhere::EVENTS),
    ("route53resolver", route53resolver::EVENTS),
    ("s3", s3::EVENTS),
    ("secretsmanager", resource_policies::SECRETS_MANAGER),
    ("securityhub", securityhub::EVENTS),
    ("signin", signin::EVENTS),
    ("sns", resource_policies::SNS),
    ("sqs", resource_policies::SQS),
    ("sts", sts::EVENTS),
];

/// The modelled spec for a service and event name, if any.
pub fn spec(service: &str, event_name: &str) -> Option<&'static EventSpec> {
    SERVICES
        .iter()
        .find(|(s, _)| *s == service)
        .and_then(|(_, events)| events.iter().find(|e| e.name == event_name))
}

/// The account the event changed, as an entity with no tags (the engine adds configured ones).
pub fn account_entity(account: &str) -> EntityData {
    EntityData {
        uid: Uid::new("Account", account),
        attrs: resource_attrs(account, "", "", account, ""),
        parents: Vec::new(),
        tags: Vec::new(),
    }
}

fn resource_attrs(
    id: &str,
    name: &str,
    arn: &str,
    account: &str,
    region: &str,
) -> Vec<(String, Value)> {
    [
        ("id", id),
        ("name", name),
        ("arn", arn),
        ("account", account),
        ("region", region),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Value::str(v)))
    .collect()
}

/// Build the Cedar request for an event, with every requestParameters field as a tag (what
/// `snapback explain` shows), for a pack that declares no organization. Never fails: missing
/// fields become "" or absent.
pub fn build(event: &Event) -> Request {
    build_in(event, &Org::default())
}

/// [`build`], with the accounts of `org` ours.
pub fn build_in(event: &Event, org: &Org) -> Request {
    build_for(&event.head(), &Fields::All, &Fields::All, org)
}

/// The event's action id (`ec2:AuthorizeSecurityGroupIngress`), as [`build`] names it.
pub fn action_id(head: &Head<'_>) -> String {
    format!("{}:{}", action_group(head), head.event_name)
}

/// The event's service group (`ec2`), the parent of its action.
fn action_group<'a>(head: &Head<'a>) -> &'a str {
    if head.service.is_empty() {
        "unknown"
    } else {
        head.service
    }
}

/// Only the principal, action and resource, for an event no policy is evaluated against:
/// what its decision record names. The context is empty and no other entity is built.
pub fn build_scope(head: &Head<'_>) -> Request {
    let account = head.account.unwrap_or("unknown");
    let region = head.region.unwrap_or("");
    let empty = Map::new();
    let params = head.request_parameters.unwrap_or(&empty);
    let resource = spec(head.service, head.event_name)
        .and_then(|s| resource(&s.resource, params, account, region, &mut Vec::new()))
        .unwrap_or_else(|| account_entity(account));
    Request {
        principal: identity::principal_ref(head, account),
        action: Uid::new("Action", action_id(head)),
        action_group: Uid::new("Action", action_group(head)),
        resource,
        context: Vec::new(),
        entities: Vec::new(),
        malformed: Vec::new(),
    }
}

/// [`build`], with only the requestParameters tags in `fields`, and only the principal's and
/// the context's attributes in `attrs` (and those a decision record names): the engine passes
/// what the policies that concern the event can read. The derived facts are all built, for a
/// malformed field among them fails the decision closed. The accounts of `org` are ours.
pub fn build_for(head: &Head<'_>, fields: &Fields, attrs: &Fields, org: &Org) -> Request {
    let event = head.event;
    let account = head.account.unwrap_or("unknown");
    let region = head.region.unwrap_or("");
    let name = head.event_name;
    let spec = spec(head.service, name);
    let empty = Map::new();
    let params = head.request_parameters.unwrap_or(&empty);

    let mut malformed = Vec::new();
    let resource = spec
        .and_then(|s| resource(&s.resource, params, account, region, &mut malformed))
        .unwrap_or_else(|| account_entity(account));
    let principal = identity::principal(head, account, attrs, &mut malformed);
    let params_entity = EntityData {
        uid: Uid::new("Params", head.event_id.unwrap_or("request")),
        attrs: Vec::new(),
        parents: Vec::new(),
        tags: params::flatten_only(params, fields),
    };

    let text = |s: Option<&str>| Some(Value::str(s.unwrap_or("")));
    let source_ip = || head.source_ip;
    let mut context = Vec::new();
    let mut put = |key: &'static str, value: &dyn Fn() -> Option<Value>| {
        if attrs.keeps(key)
            && let Some(value) = value()
        {
            context.push((key.to_owned(), value));
        }
    };
    put("eventId", &|| text(head.event_id));
    put("eventName", &|| Some(Value::str(name)));
    put("eventSource", &|| Some(Value::str(head.event_source)));
    put("eventType", &|| text(head.event_type));
    put("eventTime", &|| {
        head.event_time
            .and_then(EventTime::parse)
            .map(|time| Value::Datetime(time.to_rfc3339()))
    });
    put("region", &|| Some(Value::str(region)));
    put("account", &|| Some(Value::str(account)));
    put("targetAccount", &|| {
        Some(Value::Entity(Uid::new("Account", account)))
    });
    put("readOnly", &|| Some(Value::Bool(head.read_only)));
    put("errorCode", &|| text(head.error_code));
    put("sourceIp", &|| text(source_ip()));
    put("sourceIpAddr", &|| {
        source_ip().and_then(net::ip).map(Value::Ip)
    });
    put("userAgent", &|| text(head.user_agent));
    put("params", &|| Some(Value::Entity(params_entity.uid.clone())));
    if let Some(facts) = spec.and_then(|s| s.facts) {
        let input = Input {
            params,
            record: &event.record,
            account,
            org,
        };
        context.extend(facts(&input, &mut malformed));
    }

    Request {
        principal,
        action: Uid::new("Action", action_id(head)),
        action_group: Uid::new("Action", action_group(head)),
        resource,
        context,
        entities: vec![account_entity(account), params_entity],
        malformed,
    }
}

fn resource(
    kind: &ResourceKind,
    params: &Map<String, serde_json::Value>,
    account: &str,
    region: &str,
    malformed: &mut Vec<Malformed>,
) -> Option<EntityData> {
    if kind.ty == "Account" {
        return Some(account_entity(account));
    }
    let id = match kind.id {
        Id::Paths(paths) => match json::first_string(params, paths) {
            Some(id) => id,
            None => {
                unreadable(paths, params, malformed);
                return None;
            }
        },
        Id::Account => account.to_owned(),
        Id::Region => region.to_owned(),
    };
    let name = if kind.name.is_empty() {
        match id.strip_prefix("arn:") {
            Some(arn) => arn.rsplit(['/', ':']).next().unwrap_or(arn).to_owned(),
            None => id.clone(),
        }
    } else {
        json::first_string(params, kind.name).unwrap_or_else(|| {
            unreadable(kind.name, params, malformed);
            String::new()
        })
    };
    let arn = if id.starts_with("arn:") {
        id.clone()
    } else {
        kind.arn.of(account, region, &id)
    };
    Some(EntityData {
        uid: Uid::new(kind.ty, id.clone()),
        attrs: resource_attrs(&id, &name, &arn, account, region),
        parents: vec![Uid::new("Account", account)],
        tags: Vec::new(),
    })
}

/// None of `paths` held a name: report the first that holds something else than an empty
/// string (an object, a list of objects), or whose lookup runs into a scalar (a request object
/// written as a number), for the resource would silently become the account, out of reach of
/// every policy scoped to a resource type.
fn unreadable(paths: &[&str], params: &Map<String, serde_json::Value>, out: &mut Vec<Malformed>) {
    let root = malformed::Path::root("requestParameters");
    for path in paths {
        if let Some(prefix) = malformed::dead_end(params, path) {
            malformed::Report::new(RESOURCE, out).flag(
                &root.key(prefix),
                format!("expected an object holding `{path}`"),
            );
            return;
        }
        let held = malformed::present(event::lookup(params, path))
            .is_some_and(|v| !v.as_str().is_some_and(str::is_empty));
        if held {
            malformed::Report::new(RESOURCE, out)
                .flag(&root.key(path), "expected a string naming the resource");
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use serde_json::json;

    fn resource_malformed(kind: &ResourceKind, params: serde_json::Value) -> Vec<String> {
        let serde_json::Value::Object(map) = params else {
            unreachable!()
        };
        let mut out = Vec::new();
        resource(kind, &map, "1", "us-east-1", &mut out);
        out.into_iter()
            .map(|m| format!("{} {}: {}", m.fact, m.field, m.problem))
            .collect()
    }

    #[test]
    fn a_resource_name_that_is_not_a_string_is_malformed_not_the_account() {
        let bucket = &s3::EVENTS[0].resource;
        assert_eq!(
            resource_malformed(bucket, json!({"bucketName": {"name": "b"}})),
            ["resource requestParameters.bucketName: expected a string naming the resource"]
        );
        assert!(resource_malformed(bucket, json!({"bucketName": ""})).is_empty());
        assert!(resource_malformed(bucket, json!({"host": "x"})).is_empty());
        assert!(resource_malformed(bucket, json!({"bucketName": ["b"]})).is_empty());
    }

    #[test]
    fn a_security_group_name_that_is_not_a_string_is_malformed() {
        let group = &ec2::EVENTS[0].resource;
        assert_eq!(
            resource_malformed(
                group,
                json!({"groupId": "sg-1", "groupName": {"content": {}}})
            ),
            ["resource requestParameters.groupName: expected a string naming the resource"]
        );
        assert!(
            resource_malformed(
                group,
                json!({"groupId": {"content": "sg-1", "tag": 1}, "groupName": "default"})
            )
            .is_empty()
        );
    }

    /// Found by the model fuzzer: `{"ModifySecurityGroupRulesRequest": 7}` named no group, so
    /// the resource fell back to the account and no security-group policy applied.
    #[test]
    fn a_request_object_written_as_a_number_is_malformed_not_absent() {
        let group = &ec2::EVENTS[0].resource;
        assert_eq!(
            resource_malformed(group, json!({"ModifySecurityGroupRulesRequest": 7})),
            [
                "resource requestParameters.ModifySecurityGroupRulesRequest: expected an object holding `ModifySecurityGroupRulesRequest.GroupId`"
            ]
        );
    }
}
