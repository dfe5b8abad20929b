//! One active policy as the index sees it: what its scope says of the action, the principal
//! and the resource, and what it reads (the tag keys and attribute names its JSON form names),
//! so that the model flattens and the engine converts only those.

use std::sync::OnceLock;

use cedar_policy::{ActionConstraint, Policy, PrincipalConstraint, ResourceConstraint};

use crate::model::Fields;

/// What a policy's scope says of the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ResourceScope {
    Any,
    /// `resource is T`, `resource == T::"id"`, `resource is T in ...`: only type `T`
    /// (without the `Aws::` namespace).
    Type(String),
    /// `resource in ...`: any type.
    Other,
}

/// One policy with what its scope says.
#[derive(Debug)]
pub(super) struct Scoped {
    pub(super) policy: Policy,
    /// Action ids (`ec2:AuthorizeSecurityGroupIngress` or a group such as `ec2`); None = any.
    pub(super) actions: Option<Vec<String>>,
    /// `Root` for `principal is Aws::Root` (other namespaces keep theirs); None = any type.
    pub(super) principal_type: Option<String>,
    pub(super) resource: ResourceScope,
    reads: OnceLock<Reads>,
}

impl Scoped {
    pub(super) fn new(policy: &Policy) -> Self {
        let actions = match policy.action_constraint() {
            ActionConstraint::Any => None,
            ActionConstraint::Eq(uid) => Some(vec![uid.id().unescaped().to_owned()]),
            ActionConstraint::In(uids) => {
                Some(uids.iter().map(|u| u.id().unescaped().to_owned()).collect())
            }
        };
        let principal_type = match policy.principal_constraint() {
            PrincipalConstraint::Any | PrincipalConstraint::In(_) => None,
            PrincipalConstraint::Eq(uid) => Some(local(uid.type_name())),
            PrincipalConstraint::Is(ty) | PrincipalConstraint::IsIn(ty, _) => Some(local(&ty)),
        };
        let resource = match policy.resource_constraint() {
            ResourceConstraint::Any => ResourceScope::Any,
            ResourceConstraint::In(_) => ResourceScope::Other,
            ResourceConstraint::Eq(uid) => ResourceScope::Type(local(uid.type_name())),
            ResourceConstraint::Is(ty) | ResourceConstraint::IsIn(ty, _) => {
                ResourceScope::Type(local(&ty))
            }
        };
        Self {
            policy: policy.clone(),
            actions,
            principal_type,
            resource,
            reads: OnceLock::new(),
        }
    }

    /// What the policy reads, from its JSON form (made on first use).
    pub(super) fn reads(&self) -> &Reads {
        self.reads.get_or_init(|| {
            self.policy
                .to_json()
                .map_or_else(|_| Reads::all(), |est| Reads::of(&est))
        })
    }
}

/// `Root` for `Aws::Root`: the model's principal types are all in the `Aws` namespace.
fn local(ty: &cedar_policy::EntityTypeName) -> String {
    let name = ty.to_string();
    name.strip_prefix("Aws::")
        .map_or(name.clone(), str::to_owned)
}

/// What one policy reads, from its JSON form (EST).
#[derive(Debug)]
pub(super) struct Reads {
    /// Tag keys read with `getTag`/`hasTag`; All when a key is computed.
    pub(super) tags: Fields,
    /// Attribute names read with `.name`, `["name"]` or `has name`; All when `context` is
    /// used as a value of its own.
    pub(super) attrs: Fields,
}

impl Reads {
    pub(super) fn all() -> Self {
        Self {
            tags: Fields::All,
            attrs: Fields::All,
        }
    }

    pub(super) fn of(est: &serde_json::Value) -> Self {
        let mut reads = Self {
            tags: Fields::none(),
            attrs: Fields::none(),
        };
        reads.walk(est);
        reads
    }

    fn walk(&mut self, value: &serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("Var").and_then(serde_json::Value::as_str) == Some("context") {
                    // `context` itself, not one of its attributes: every one may matter.
                    self.attrs = Fields::All;
                }
                for (key, inner) in map {
                    match key.as_str() {
                        "getTag" | "hasTag" => {
                            let literal = inner
                                .get("right")
                                .and_then(|r| r.get("Value"))
                                .and_then(serde_json::Value::as_str);
                            match literal {
                                Some(k) => self.tags.merge(&Fields::Only([k.to_owned()].into())),
                                None => self.tags = Fields::All,
                            }
                        }
                        "." | "has" => {
                            if let Some(attr) =
                                inner.get("attr").and_then(serde_json::Value::as_str)
                            {
                                self.attrs.merge(&Fields::Only([attr.to_owned()].into()));
                                // `context.name`: the attribute is read, not `context` whole.
                                if let Some(left) = inner.get("left")
                                    && left.get("Var").and_then(serde_json::Value::as_str)
                                        != Some("context")
                                {
                                    self.walk(left);
                                }
                                continue;
                            }
                        }
                        _ => {}
                    }
                    self.walk(inner);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| self.walk(v)),
            _ => {}
        }
    }
}
