//! A small, owned picture of a Cedar request: values, entity data and the request itself.
//! The model builds these purely; the engine turns them into `cedar_policy` types, and
//! `snapback explain` prints them in Cedar's JSON entity format.

use serde_json::{Value as Json, json};

/// A Cedar value. `Ip` and `Datetime` hold text already checked to parse.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(bool),
    Long(i64),
    String(String),
    Set(Vec<Value>),
    Record(Vec<(String, Value)>),
    Ip(String),
    Datetime(String),
    Entity(Uid),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Self {
        Self::String(s.into())
    }

    pub fn record<K: Into<String>>(fields: impl IntoIterator<Item = (K, Value)>) -> Self {
        Self::Record(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Cedar's JSON form, with `__extn` and `__entity` escapes.
    pub fn to_json(&self) -> Json {
        match self {
            Self::Bool(b) => json!(b),
            Self::Long(n) => json!(n),
            Self::String(s) => json!(s),
            Self::Set(items) => Json::Array(items.iter().map(Self::to_json).collect()),
            Self::Record(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Self::Ip(s) => json!({"__extn": {"fn": "ip", "arg": s}}),
            Self::Datetime(s) => json!({"__extn": {"fn": "datetime", "arg": s}}),
            Self::Entity(uid) => json!({"__entity": uid.to_json()}),
        }
    }
}

/// An entity reference: a type in the `Aws` namespace and an id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uid {
    /// The type name without the namespace: `SecurityGroup`, `AssumedRole`, `Action`.
    pub ty: &'static str,
    pub id: String,
}

impl Uid {
    pub fn new(ty: &'static str, id: impl Into<String>) -> Self {
        Self { ty, id: id.into() }
    }

    /// `Aws::SecurityGroup`
    pub fn type_name(&self) -> String {
        format!("Aws::{}", self.ty)
    }

    pub fn to_json(&self) -> Json {
        json!({"type": self.type_name(), "id": self.id})
    }
}

impl std::fmt::Display for Uid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Aws::{}::{:?}", self.ty, self.id)
    }
}

/// An entity with its attributes, parents and string tags.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityData {
    pub uid: Uid,
    pub attrs: Vec<(String, Value)>,
    pub parents: Vec<Uid>,
    pub tags: Vec<(String, String)>,
}

impl EntityData {
    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn attr_str(&self, name: &str) -> &str {
        match self.attr(name) {
            Some(Value::String(s)) => s,
            _ => "",
        }
    }

    pub fn to_json(&self) -> Json {
        json!({
            "uid": self.uid.to_json(),
            "attrs": Json::Object(self.attrs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            "parents": self.parents.iter().map(Uid::to_json).collect::<Vec<_>>(),
            "tags": Json::Object(self.tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect()),
        })
    }
}

/// The Cedar request built for one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub principal: EntityData,
    /// `Aws::Action::"ec2:AuthorizeSecurityGroupIngress"`
    pub action: Uid,
    /// `Aws::Action::"ec2"`
    pub action_group: Uid,
    pub resource: EntityData,
    pub context: Vec<(String, Value)>,
    /// Other entities the request refers to: the target account and the parameters.
    pub entities: Vec<EntityData>,
    /// The fields read for the principal, the resource and the derived facts that are present
    /// but malformed; empty (and unallocated) for a well-formed event.
    pub malformed: Vec<super::Malformed>,
}

impl Request {
    /// The request as `snapback explain` prints it.
    pub fn to_json(&self) -> Json {
        let mut entities = vec![self.principal.to_json(), self.resource.to_json()];
        let shown = [&self.principal.uid, &self.resource.uid];
        entities.extend(
            self.entities
                .iter()
                .filter(|e| !shown.contains(&&e.uid))
                .map(EntityData::to_json),
        );
        json!({
            "principal": self.principal.uid.to_json(),
            "action": self.action.to_json(),
            "resource": self.resource.uid.to_json(),
            "context": Value::Record(self.context.clone()).to_json(),
            "entities": entities,
        })
    }
}
