//! From a model request to a Cedar request and its entities, built directly as Cedar's own
//! values: each model value becomes a Cedar value (no restricted expression is written and then
//! evaluated), each entity type is parsed once per thread, the entities' ancestors are worked
//! out here (a request holds at most six entities, so Cedar's general transitive closure, with
//! its hash maps, cost more than evaluating the policies), and what Cedar refuses is a
//! [`RequestError`].
//!
//! This is the one module that uses `cedar_policy_core`, the crate `cedar_policy` wraps, pinned
//! to the same version: its public constructors are what take values and ancestors as they are.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use cedar_policy::{Entities, EntityTypeName};
use cedar_policy_core::ast::{
    self, Context, Eid, EntityType, EntityUID, EntityUIDEntry, ExtensionFunction, Name,
    PartialValue,
};
use cedar_policy_core::entities::{self as core_entities, NoEntitiesSchema, TCComputation};
use cedar_policy_core::extensions::Extensions;

use crate::model::{EntityData, Request, Uid, Value};
use crate::policy::{Fields, PolicyPack};

/// Why a model request could not become a Cedar request: Cedar refused one of its parts.
/// Boxed: Cedar's errors are large, and this travels on the hot path's `Result`s.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct RequestError(Box<RequestErrorKind>);

impl RequestError {
    pub fn kind(&self) -> &RequestErrorKind {
        &self.0
    }
}

impl From<RequestErrorKind> for RequestError {
    fn from(kind: RequestErrorKind) -> Self {
        Self(Box::new(kind))
    }
}

/// The part of the request Cedar refused.
#[derive(Debug, thiserror::Error)]
pub enum RequestErrorKind {
    #[error("entity type `Aws::{ty}`: {source}")]
    TypeName {
        ty: &'static str,
        source: cedar_policy::ParseErrors,
    },
    #[error("`{function}(\"{arg}\")`: {message}")]
    Extension {
        function: &'static str,
        arg: String,
        message: String,
    },
    #[error("duplicate key `{key}` in {place}")]
    DuplicateKey { key: String, place: &'static str },
    #[error("entity `{0}` is its own ancestor")]
    Cycle(String),
    #[error(transparent)]
    Entities(Box<cedar_policy::entities_errors::EntitiesError>),
}

fn uid(u: &Uid) -> Result<EntityUID, RequestError> {
    Ok(EntityUID::from_components(
        type_name(u.ty)?,
        Eid::new(u.id.as_str()),
        None,
    ))
}

/// `Aws::<ty>`, parsed once per thread: running Cedar's parser for every uid of every event
/// would cost more than evaluating the policies.
fn type_name(ty: &'static str) -> Result<EntityType, RequestError> {
    thread_local! {
        static TYPES: RefCell<HashMap<&'static str, EntityType>> =
            RefCell::new(HashMap::new());
    }
    TYPES.with(|types| {
        if let Some(parsed) = types.borrow().get(ty) {
            return Ok(parsed.clone());
        }
        let parsed: EntityType = EntityTypeName::from_str(&format!("Aws::{ty}"))
            .map_err(|source| RequestErrorKind::TypeName { ty, source })?
            .as_ref()
            .clone();
        types.borrow_mut().insert(ty, parsed.clone());
        Ok(parsed)
    })
}

/// Cedar's `ip` and `datetime` constructors, looked up once.
fn extension(function: &'static str) -> &'static ExtensionFunction {
    static FUNCTIONS: OnceLock<[&'static ExtensionFunction; 2]> = OnceLock::new();
    let [ip, datetime] = FUNCTIONS.get_or_init(|| {
        ["ip", "datetime"].map(|name| {
            #[expect(
                clippy::expect_used,
                reason = "both are built into cedar-policy with the features this crate enables"
            )]
            Extensions::all_available()
                .func(&Name::parse_unqualified_name(name).expect("a valid function name"))
                .expect("the ipaddr and datetime extensions are enabled")
        })
    });
    if function == "ip" { ip } else { datetime }
}

fn call(function: &'static str, arg: &str) -> Result<ast::Value, RequestError> {
    let failed = |message: String| RequestErrorKind::Extension {
        function,
        arg: arg.to_owned(),
        message,
    };
    match extension(function).call(&[ast::Value::from(arg)]) {
        Ok(PartialValue::Value(v)) => Ok(v),
        Ok(PartialValue::Residual(_)) => Err(failed("not a value".to_owned()).into()),
        Err(source) => Err(failed(source.to_string()).into()),
    }
}

fn value(v: &Value) -> Result<ast::Value, RequestError> {
    Ok(match v {
        Value::Bool(b) => ast::Value::from(*b),
        Value::Long(n) => ast::Value::from(*n),
        Value::String(s) => ast::Value::from(s.as_str()),
        Value::Set(items) => ast::Value::set(
            items.iter().map(value).collect::<Result<Vec<_>, _>>()?,
            None,
        ),
        Value::Record(fields) => record(fields, "a record", |fields| {
            ast::Value::record_arc(Arc::new(fields), None)
        })?,
        Value::Ip(s) => call("ip", s)?,
        Value::Datetime(s) => call("datetime", s)?,
        Value::Entity(u) => ast::Value::from(uid(u)?),
    })
}

/// The fields as Cedar's record, handed to `finish` (which names Cedar's key type); a key
/// given twice is an error, as Cedar's own record and context constructors make it.
fn record<'a, K, R>(
    fields: impl IntoIterator<Item = &'a (String, Value)>,
    place: &'static str,
    finish: impl FnOnce(BTreeMap<K, ast::Value>) -> R,
) -> Result<R, RequestError>
where
    K: Ord + for<'k> From<&'k str>,
{
    let mut out = BTreeMap::new();
    for (k, v) in fields {
        if out.insert(K::from(k.as_str()), value(v)?).is_some() {
            return Err(RequestErrorKind::DuplicateKey {
                key: k.clone(),
                place,
            }
            .into());
        }
    }
    Ok(finish(out))
}

/// One entity of the request before its ancestors are known.
struct Node<'r> {
    uid: EntityUID,
    parents: HashSet<EntityUID>,
    from: Source<'r>,
}

enum Source<'r> {
    /// Built from the model, with only the attributes whose names are kept.
    Model(&'r EntityData),
    /// Configured in the pack's `entities.json`: used as loaded, ancestors included.
    Configured(&'r cedar_policy::Entity),
    /// The action, whose one parent is its service group.
    Action,
}

/// Each node's indirect ancestors: the ancestors that are not its parents (`parents` holds
/// each node's uid and parents), found through the parents that are themselves nodes. A
/// request holds a handful of entities, so this is a few set unions; an entity among its own
/// ancestors is an error, as Cedar's closure makes it.
fn indirect(
    nodes: &[(&EntityUID, &HashSet<EntityUID>)],
) -> Result<Vec<HashSet<EntityUID>>, RequestError> {
    let mut sets: Vec<HashSet<EntityUID>> = vec![HashSet::new(); nodes.len()];
    // A chain of parents is at most as long as there are nodes, so this many rounds close it.
    for _ in 0..nodes.len() {
        let mut changed = false;
        for (i, (_, parents)) in nodes.iter().enumerate() {
            let Some(set) = sets.get(i) else { continue };
            let extra: Vec<EntityUID> = parents
                .iter()
                .filter_map(|p| nodes.iter().position(|(u, _)| *u == p))
                .filter_map(|j| Some(nodes.get(j)?.1.iter().chain(sets.get(j)?)))
                .flatten()
                .filter(|a| !parents.contains(*a) && !set.contains(*a))
                .cloned()
                .collect();
            if let Some(set) = sets.get_mut(i)
                && !extra.is_empty()
            {
                set.extend(extra);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let cycle = nodes
        .iter()
        .zip(&sets)
        .find(|((uid, parents), set)| parents.contains(*uid) || set.contains(*uid));
    if let Some(((uid, _), _)) = cycle {
        return Err(RequestErrorKind::Cycle(uid.to_string()).into());
    }
    Ok(sets)
}

/// The model entity as Cedar's, with only the attributes whose names are in `read`.
fn entity(
    data: &EntityData,
    uid: EntityUID,
    parents: HashSet<EntityUID>,
    indirect: HashSet<EntityUID>,
    read: &Fields,
) -> Result<ast::Entity, RequestError> {
    let attrs = data
        .attrs
        .iter()
        .filter(|(k, _)| read.keeps(k))
        .map(|(k, v)| Ok((k.as_str().into(), PartialValue::Value(value(v)?))))
        .collect::<Result<Vec<_>, RequestError>>()?;
    let tags = data.tags.iter().map(|(k, v)| {
        (
            k.as_str().into(),
            PartialValue::Value(ast::Value::from(v.as_str())),
        )
    });
    Ok(ast::Entity::new_with_attr_partial_value(
        uid, attrs, indirect, parents, tags,
    ))
}

/// The Cedar request and entities for a model request, with only the attributes named in
/// `read` (see [`crate::policy::Slot::attrs`]); configured accounts replace the model's
/// untagged ones.
pub(super) fn to_cedar(
    request: &Request,
    pack: &PolicyPack,
    read: &Fields,
) -> Result<(cedar_policy::Request, Entities), RequestError> {
    let principal = uid(&request.principal.uid)?;
    let resource = uid(&request.resource.uid)?;
    let others = request
        .entities
        .iter()
        .map(|data| Ok::<_, RequestError>((data, uid(&data.uid)?)));
    let mut nodes: Vec<Node<'_>> = Vec::with_capacity(request.entities.len() + 3);
    for entry in [
        Ok((&request.principal, principal.clone())),
        Ok((&request.resource, resource.clone())),
    ]
    .into_iter()
    .chain(others)
    {
        let (data, uid): (&EntityData, EntityUID) = entry?;
        if nodes.iter().any(|n| n.uid == uid) {
            continue;
        }
        let configured = (data.uid.ty == "Account")
            .then(|| pack.accounts.get(&data.uid.id))
            .flatten();
        nodes.push(match configured {
            Some(e) => Node {
                uid,
                parents: e.as_ref().ancestors().cloned().collect(),
                from: Source::Configured(e),
            },
            None => Node {
                uid,
                parents: data
                    .parents
                    .iter()
                    .map(self::uid)
                    .collect::<Result<_, _>>()?,
                from: Source::Model(data),
            },
        });
    }
    let action = uid(&request.action)?;
    nodes.push(Node {
        uid: action.clone(),
        parents: HashSet::from([uid(&request.action_group)?]),
        from: Source::Action,
    });

    let pairs: Vec<(&EntityUID, &HashSet<EntityUID>)> =
        nodes.iter().map(|n| (&n.uid, &n.parents)).collect();
    let sets = indirect(&pairs)?;
    let mut entities = Vec::with_capacity(nodes.len());
    for (node, indirect) in nodes.into_iter().zip(sets) {
        entities.push(match node.from {
            Source::Configured(e) => e.as_ref().clone(),
            Source::Model(data) => entity(data, node.uid, node.parents, indirect, read)?,
            Source::Action => ast::Entity::new_with_attr_partial_value(
                node.uid,
                [],
                HashSet::new(),
                node.parents,
                [],
            ),
        });
    }

    let context = record(
        request.context.iter().filter(|(k, _)| read.keeps(k)),
        "the context",
        |pairs| Context::Value(Arc::new(pairs)),
    )?;
    let cedar_request = ast::Request::new_unchecked(
        EntityUIDEntry::known(principal, None),
        EntityUIDEntry::known(action, None),
        EntityUIDEntry::known(resource, None),
        Some(context),
    );
    let entities = core_entities::Entities::from_entities(
        entities,
        None::<&NoEntitiesSchema>,
        TCComputation::AssumeAlreadyComputed,
        Extensions::all_available(),
    )
    .map_err(|e| RequestErrorKind::Entities(Box::new(e)))?;
    Ok((cedar_request.into(), entities.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(ty: &'static str, id: &str) -> EntityUID {
        uid(&Uid::new(ty, id)).unwrap()
    }

    fn set(uids: &[&EntityUID]) -> HashSet<EntityUID> {
        uids.iter().map(|u| (*u).clone()).collect()
    }

    fn closed(
        uids: &[EntityUID],
        parents: Vec<HashSet<EntityUID>>,
    ) -> Result<Vec<HashSet<EntityUID>>, RequestError> {
        let pairs: Vec<(&EntityUID, &HashSet<EntityUID>)> = uids.iter().zip(&parents).collect();
        indirect(&pairs)
    }

    #[test]
    fn indirect_ancestors_come_through_parents_that_are_nodes() {
        let (role, account, action, group) = (
            u("IAMRole", "r"),
            u("Account", "1"),
            u("Action", "iam:X"),
            u("Action", "iam"),
        );
        let ou = u("Account", "parent-of-1");
        let uids = [role.clone(), account.clone(), action.clone()];
        let got = closed(&uids, vec![set(&[&account]), set(&[&ou]), set(&[&group])]).unwrap();
        assert_eq!(got, vec![set(&[&ou]), set(&[]), set(&[])]);
    }

    #[test]
    fn a_chain_as_long_as_the_nodes_is_closed() {
        let n: Vec<EntityUID> = (0..5).map(|i| u("Account", &i.to_string())).collect();
        let parents: Vec<HashSet<EntityUID>> = (0..5)
            .map(|i| n.get(i + 1).map(|p| set(&[p])).unwrap_or_default())
            .collect();
        let got = closed(&n, parents).unwrap();
        // 0's parent is 1; 2, 3 and 4 are its indirect ancestors.
        assert_eq!(got.first().unwrap().len(), 3);
        assert!(got.last().unwrap().is_empty());
    }

    #[test]
    fn an_entity_among_its_own_ancestors_is_an_error() {
        let (a, b) = (u("Account", "a"), u("Account", "b"));
        for parents in [
            vec![set(&[&b]), set(&[&a])],
            vec![set(&[&a]), HashSet::new()],
        ] {
            let err = closed(&[a.clone(), b.clone()], parents).unwrap_err();
            assert!(matches!(err.kind(), RequestErrorKind::Cycle(_)), "{err}");
        }
    }

    #[test]
    fn values_cedar_refuses_are_errors_that_name_them() {
        let err = value(&Value::Ip("not-an-ip".into())).unwrap_err();
        assert!(err.to_string().contains("ip(\"not-an-ip\")"), "{err}");
        let err = value(&Value::Datetime("yesterday".into())).unwrap_err();
        assert!(err.to_string().contains("datetime(\"yesterday\")"), "{err}");
        let twice = Value::Record(vec![
            ("a".into(), Value::Long(1)),
            ("a".into(), Value::Long(2)),
        ]);
        let err = value(&twice).unwrap_err();
        assert!(
            matches!(err.kind(), RequestErrorKind::DuplicateKey { key, .. } if key == "a"),
            "{err}"
        );
    }

    #[test]
    fn extension_values_equal_those_cedar_evaluates() {
        let ip = value(&Value::Ip("10.0.0.0/8".into())).unwrap();
        let evaluated = cedar_policy::RestrictedExpression::new_ip("10.0.0.0/8");
        let entity = cedar_policy::Entity::new(
            cedar_policy::EntityUid::from(u("Account", "x")),
            [("ip".to_owned(), evaluated)].into(),
            HashSet::new(),
        )
        .unwrap();
        let PartialValue::Value(theirs) = entity.as_ref().get("ip").unwrap() else {
            panic!("a residual")
        };
        assert_eq!(&ip, theirs);
    }
}
