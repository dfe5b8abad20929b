//! The active policies indexed by what their scope can match, so that deciding an event costs
//! what the policies that concern it cost, not what the whole pack costs.
//!
//! Each policy's action scope (`action == A`, `action in [A, B]`, `action in G`, or any
//! action) and principal type (`principal is T`) are read from its scope; a bucket per action
//! key holds the policies that key can match, split by principal type. Each bucket also knows
//! which `context.params` tags its policies read, so the model only flattens those fields of
//! `requestParameters`, and which attribute names they read, so the engine converts only those
//! attributes of the context and of entities into Cedar values (an `ip` or `datetime` value
//! costs a run of Cedar's parser). An event whose bucket is empty is compliant without building
//! a Cedar request at all.

use std::collections::{BTreeSet, HashMap};

pub use crate::model::Fields;
use std::sync::{Arc, OnceLock};

use cedar_policy::PolicySet;

use super::scoped::{ResourceScope, Scoped};

/// The policies one event is evaluated against, and what they read.
#[derive(Debug, Clone)]
pub struct Slot {
    pub policies: PolicySet,
    members: Vec<Arc<Scoped>>,
    /// The tags and the attribute names read, worked out when the slot is first used: at a
    /// cold start, reading every policy's form up front cost more than deciding.
    reads: OnceLock<(Fields, Fields)>,
}

impl Slot {
    fn new(policies: &[&Arc<Scoped>]) -> Self {
        let mut set = PolicySet::new();
        for scoped in policies {
            // Ids are unique in the active set, so adding cannot fail.
            let _ = set.add(scoped.policy.clone());
        }
        Self {
            policies: set,
            members: policies.iter().map(|p| Arc::clone(p)).collect(),
            reads: OnceLock::new(),
        }
    }

    fn reads(&self) -> &(Fields, Fields) {
        self.reads.get_or_init(|| {
            let mut fields = Fields::none();
            let mut attrs = Fields::none();
            for scoped in &self.members {
                let reads = scoped.reads();
                fields.merge(&reads.tags);
                attrs.merge(&reads.attrs);
            }
            (fields, attrs)
        })
    }

    /// The `context.params` tags read.
    pub fn fields(&self) -> &Fields {
        &self.reads().0
    }

    /// The attribute names read (`e.name`, `e has name`) of any record or entity. Entities
    /// compare by uid, so dropping the attributes of an entity that no policy names is
    /// invisible to the policies; the top-level context attributes are dropped the same way
    /// unless some policy uses `context` as a whole value (then this is All).
    pub fn attrs(&self) -> &Fields {
        &self.reads().1
    }

    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Whether some policy here that can match a resource of type `resource_type` (`Bucket`)
    /// reads the attribute `attr` (see [`Slot::attrs`]): whether a field the attribute is
    /// derived from matters to the event when it is present but malformed.
    pub fn relies_on(&self, attr: &str, resource_type: &str) -> bool {
        self.members.iter().any(|m| {
            let reachable = match &m.resource {
                ResourceScope::Type(ty) => ty == resource_type,
                ResourceScope::Any | ResourceScope::Other => true,
            };
            reachable && m.reads().attrs.keeps(attr)
        })
    }

    /// Whether some policy here constrains the resource: in its scope, or by reading its `id`,
    /// `name` or `arn`. Then a resource that cannot be read matters to the event.
    pub fn relies_on_resource(&self) -> bool {
        self.members.iter().any(|m| {
            m.resource != ResourceScope::Any
                || ["id", "name", "arn"]
                    .iter()
                    .any(|a| m.reads().attrs.keeps(a))
        })
    }
}

/// The slots of one action key: by principal type, and for every other principal.
#[derive(Debug, Clone)]
struct Bucket {
    by_principal: HashMap<String, Slot>,
    other: Slot,
}

impl Bucket {
    fn new(policies: &[&Arc<Scoped>]) -> Self {
        let types: BTreeSet<&str> = policies
            .iter()
            .filter_map(|p| p.principal_type.as_deref())
            .collect();
        let by_principal = types
            .into_iter()
            .map(|ty| {
                let these: Vec<&Arc<Scoped>> = policies
                    .iter()
                    .copied()
                    .filter(|p| p.principal_type.as_deref().is_none_or(|t| t == ty))
                    .collect();
                (ty.to_owned(), Slot::new(&these))
            })
            .collect();
        let others: Vec<&Arc<Scoped>> = policies
            .iter()
            .copied()
            .filter(|p| p.principal_type.is_none())
            .collect();
        Self {
            by_principal,
            other: Slot::new(&others),
        }
    }

    fn slot(&self, principal_type: &str) -> &Slot {
        self.by_principal.get(principal_type).unwrap_or(&self.other)
    }
}

/// What one active policy's scope can match (for deploy plans, which need it per policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The policy id.
    pub id: String,
    /// Action ids (`ec2:AuthorizeSecurityGroupIngress`) or service groups (`ec2`); None = any.
    pub actions: Option<Vec<String>>,
    /// The principal's Cedar type without namespace (`Root`); None = any type.
    pub principal_type: Option<String>,
}

/// The active policy set, indexed by action and principal type.
#[derive(Debug, Clone)]
pub struct PolicyIndex {
    by_action: HashMap<String, Bucket>,
    any: Bucket,
    scopes: Vec<Scope>,
}

impl PolicyIndex {
    pub fn new(active: &PolicySet) -> Self {
        let scoped: Vec<Arc<Scoped>> = active
            .policies()
            .map(|p| Arc::new(Scoped::new(p)))
            .collect();
        let mut keyed: HashMap<&str, Vec<&Arc<Scoped>>> = HashMap::new();
        let mut any: Vec<&Arc<Scoped>> = Vec::new();
        for policy in &scoped {
            match &policy.actions {
                None => any.push(policy),
                Some(actions) => {
                    for action in actions {
                        keyed.entry(action.as_str()).or_default().push(policy);
                    }
                }
            }
        }
        let by_action = keyed
            .keys()
            .map(|&key| {
                // An action is matched by its own id and by its service group (the model makes
                // every `svc:Name` a member of `svc`), and by policies on any action.
                let mut these: Vec<&Arc<Scoped>> = keyed.get(key).cloned().unwrap_or_default();
                if let Some((group, _)) = key.split_once(':')
                    && let Some(grouped) = keyed.get(group)
                {
                    these.extend(grouped.iter().copied());
                }
                these.extend(any.iter().copied());
                (key.to_owned(), Bucket::new(&these))
            })
            .collect();
        Self {
            by_action,
            any: Bucket::new(&any),
            scopes: scoped
                .iter()
                .map(|p| Scope {
                    id: p.policy.id().to_string(),
                    actions: p.actions.clone(),
                    principal_type: p.principal_type.clone(),
                })
                .collect(),
        }
    }

    /// Whether some policy that can match this action is scoped to a principal type: then an
    /// event whose principal type cannot be read might have concerned it.
    pub fn typed(&self, action: &str) -> bool {
        let group = action.split_once(':').map(|(g, _)| g);
        !self
            .by_action
            .get(action)
            .or_else(|| group.and_then(|g| self.by_action.get(g)))
            .unwrap_or(&self.any)
            .by_principal
            .is_empty()
    }

    /// Whether some active policy can match this action (`svc:Name`), for any principal: the
    /// events the EventBridge rule delivers, and the ones the log-file backstop looks at.
    pub fn watches(&self, action: &str) -> bool {
        let group = action.split_once(':').map(|(g, _)| g);
        let bucket = self
            .by_action
            .get(action)
            .or_else(|| group.and_then(|g| self.by_action.get(g)))
            .unwrap_or(&self.any);
        !bucket.other.is_empty() || !bucket.by_principal.is_empty()
    }

    /// Every active policy's scope, in no particular order.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// The policies that can match this action (`svc:Name`) and principal type (`Root`).
    pub fn slot(&self, action: &str, principal_type: &str) -> &Slot {
        let group = action.split_once(':').map(|(g, _)| g);
        self.by_action
            .get(action)
            .or_else(|| group.and_then(|g| self.by_action.get(g)))
            .unwrap_or(&self.any)
            .slot(principal_type)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use std::str::FromStr;

    fn index(src: &str) -> PolicyIndex {
        PolicyIndex::new(&PolicySet::from_str(src).unwrap())
    }

    fn ids(slot: &Slot) -> Vec<String> {
        let mut ids: Vec<String> = slot
            .policies
            .policies()
            .map(|p| p.id().to_string())
            .collect();
        ids.sort();
        ids
    }

    const PACK: &str = r#"
        forbid (principal, action == Aws::Action::"ec2:RunInstances", resource)
          when { context.params.getTag("instanceType") == "p5.48xlarge" };
        forbid (principal, action in [Aws::Action::"s3:PutBucketAcl", Aws::Action::"s3:PutBucketPolicy"], resource);
        forbid (principal, action in Aws::Action::"iam", resource)
          when { context.params.hasTag("policyArn") };
        forbid (principal is Aws::Root, action, resource);
        forbid (principal, action == Aws::Action::"kms:DisableKey", resource)
          when { context.params.getTag(context.eventName) == "x" };
    "#;

    #[test]
    fn an_event_gets_the_policies_on_its_action_its_group_and_any_action() {
        let index = index(PACK);
        assert_eq!(
            ids(index.slot("ec2:RunInstances", "AssumedRole")),
            ["policy0"]
        );
        assert_eq!(
            ids(index.slot("ec2:RunInstances", "Root")),
            ["policy0", "policy3"]
        );
        assert_eq!(
            ids(index.slot("s3:PutBucketPolicy", "IAMUser")),
            ["policy1"]
        );
        assert_eq!(
            ids(index.slot("iam:AttachUserPolicy", "IAMUser")),
            ["policy2"]
        );
        assert!(index.slot("s3:GetObject", "IAMUser").is_empty());
        assert_eq!(ids(index.slot("s3:GetObject", "Root")), ["policy3"]);
    }

    #[test]
    fn only_the_tags_policies_read_are_wanted() {
        let index = index(PACK);
        let slot = index.slot("ec2:RunInstances", "Root");
        assert_eq!(
            *slot.fields(),
            Fields::Only(["instanceType".to_owned()].into())
        );
        assert!(*index.slot("s3:PutBucketAcl", "Root").fields() == Fields::none());
        assert_eq!(
            *index.slot("kms:DisableKey", "IAMUser").fields(),
            Fields::All
        );
    }

    #[test]
    fn only_the_attributes_policies_name_are_read() {
        let index = index(
            r#"
            forbid (principal, action == Aws::Action::"ec2:RunInstances", resource)
              when { context has ingress && context.ingress.worldOpen && principal["arn"] != "" };
            forbid (principal, action == Aws::Action::"s3:PutBucketAcl", resource)
              when { context.params.getTag("x") == "" };
            forbid (principal, action == Aws::Action::"kms:DisableKey", resource)
              when { [context].contains(context) };
            "#,
        );
        assert_eq!(
            *index.slot("ec2:RunInstances", "IAMUser").attrs(),
            Fields::Only(["arn", "ingress", "worldOpen"].map(str::to_owned).into())
        );
        assert_eq!(
            *index.slot("s3:PutBucketAcl", "IAMUser").attrs(),
            Fields::Only(["params".to_owned()].into())
        );
        assert_eq!(
            *index.slot("kms:DisableKey", "IAMUser").attrs(),
            Fields::All
        );
    }

    #[test]
    fn wanted_paths_include_their_parents() {
        let fields = Fields::Only(["a.b.0.c".to_owned()].into());
        assert!(fields.wants("a"));
        assert!(fields.wants("a.b.0"));
        assert!(fields.keeps("a.b.0.c"));
        assert!(!fields.keeps("a.b"));
        assert!(!fields.wants("a.bc"));
        assert!(!fields.wants("x"));
    }
}
