//! The shape of the service tables: how an event names its resource, how that resource's ARN is
//! built, and the [`events!`] table each service file lists its events in, so that a service
//! file holds data and its facts functions, not copies of the same constructors.

use serde_json::Map;

use super::org::Org;
use super::{Malformed, Value};

/// Derives context facts from `requestParameters` (and, where a fact needs it, the rest of the
/// record), reporting each field it reads that is present but malformed (see [`Malformed`];
/// nothing is reported for an absent field).
pub type FactsFn = fn(&Input<'_>, &mut Vec<Malformed>) -> Vec<(String, Value)>;

/// What a facts function reads.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// `requestParameters` (empty when absent).
    pub params: &'a Map<String, serde_json::Value>,
    /// The whole CloudTrail record, for the facts that read `additionalEventData` or
    /// `responseElements`.
    pub record: &'a Map<String, serde_json::Value>,
    /// The account the event happened in.
    pub account: &'a str,
    /// The organization the pack declares (see [`Org`]).
    pub org: &'a Org,
}

/// How an event names its target resource.
#[derive(Debug, Clone, Copy)]
pub enum Id {
    /// The first of these `requestParameters` paths that holds a value.
    Paths(&'static [&'static str]),
    /// The account itself is the target (account-wide settings).
    Account,
    /// A per-region, account-wide setting: the id is the region.
    Region,
}

/// How a kind's ARN is built from the (partition-free) account, region and id.
#[derive(Debug, Clone, Copy)]
pub enum Arn {
    /// No ARN can be built for this kind: it is "".
    None,
    /// A pattern in which `{account}`, `{region}` and `{id}` stand for those values.
    Pattern(&'static str),
    /// Built by code, for kinds whose ARN depends on the id; "" when not buildable.
    Build(fn(account: &str, region: &str, id: &str) -> String),
}

impl Arn {
    /// The ARN of the resource `id` in `account` and `region`.
    pub fn of(&self, account: &str, region: &str, id: &str) -> String {
        match self {
            Self::None => String::new(),
            Self::Pattern(pattern) => fill(pattern, account, region, id),
            Self::Build(build) => build(account, region, id),
        }
    }
}

/// `pattern` with each `{account}`, `{region}` and `{id}` replaced, in one pass: a value that
/// itself holds such a name is written as it is.
fn fill(pattern: &str, account: &str, region: &str, id: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + id.len() + account.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        let value = [("{account}", account), ("{region}", region), ("{id}", id)]
            .into_iter()
            .find(|(name, _)| from.starts_with(name));
        match value {
            Some((name, value)) => {
                out.push_str(value);
                rest = from.get(name.len()..).unwrap_or_default();
            }
            None => {
                out.push('{');
                rest = from.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// A kind of resource: its Cedar type, where its id is, and how to build its name and ARN.
#[derive(Debug, Clone, Copy)]
pub struct ResourceKind {
    pub ty: &'static str,
    pub id: Id,
    /// Paths of a display name; when empty, the name is the id (its last `/` segment for ARNs).
    pub name: &'static [&'static str],
    pub arn: Arn,
}

impl ResourceKind {
    /// A kind named by its id, with no ARN.
    pub const fn new(ty: &'static str, id: Id) -> Self {
        Self {
            ty,
            id,
            name: &[],
            arn: Arn::None,
        }
    }

    /// A kind whose id is the first of `paths` that holds a value and whose ARN follows
    /// `pattern` (see [`Arn::Pattern`]).
    pub const fn at(
        ty: &'static str,
        paths: &'static [&'static str],
        pattern: &'static str,
    ) -> Self {
        Self::new(ty, Id::Paths(paths)).arn(Arn::Pattern(pattern))
    }

    /// This kind with its ARN built as `arn` says.
    pub const fn arn(self, arn: Arn) -> Self {
        Self { arn, ..self }
    }

    /// This kind with its display name at the first of `paths` that holds one.
    pub const fn named(self, name: &'static [&'static str]) -> Self {
        Self { name, ..self }
    }
}

/// The account itself, as the target of account-wide calls that have no kind of their own.
pub const ACCOUNT: ResourceKind = ResourceKind::new("Account", Id::Account);

/// One event a service file knows.
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    pub name: &'static str,
    pub resource: ResourceKind,
    pub facts: Option<FactsFn>,
}

/// One fact: `name` holding a record of `fields`, as a facts function returns it.
pub fn fact<K: Into<String>>(
    name: &str,
    fields: impl IntoIterator<Item = (K, Value)>,
) -> Vec<(String, Value)> {
    vec![(name.to_owned(), Value::record(fields))]
}

/// A service's table of events: each resource kind, then the names of the events that target
/// it, each with `=> facts` when a facts function derives context for it.
///
/// ```text
/// events! {
///     TRAIL: ["CreateTrail" => trail_settings, "DeleteTrail"],
/// }
/// ```
macro_rules! events {
    (@facts) => { None };
    (@facts $facts:path) => { Some($facts) };
    ($($resource:ident: [$($name:literal $(=> $facts:path)?),* $(,)?]),* $(,)?) => {
        &[$($($crate::model::EventSpec {
            name: $name,
            resource: $resource,
            facts: $crate::model::spec::events!(@facts $($facts)?),
        }),*),*]
    };
}

pub(crate) use events;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_is_filled_once_and_keeps_what_it_does_not_name() {
        let arn = Arn::Pattern("arn:aws:x:{region}:{account}:thing/{id}");
        assert_eq!(
            arn.of("111", "eu-west-1", "a"),
            "arn:aws:x:eu-west-1:111:thing/a"
        );
        assert_eq!(
            arn.of("{id}", "{region}", "{account}"),
            "arn:aws:x:{region}:{id}:thing/{account}"
        );
        assert_eq!(Arn::Pattern("a{b}{id}{").of("1", "r", "i"), "a{b}i{");
        assert_eq!(Arn::None.of("1", "r", "i"), "");
    }
}
