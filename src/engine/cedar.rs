//! From a model request to a Cedar request and its entities: each value becomes a restricted
//! expression, each entity type is parsed once per thread, and what Cedar refuses is a
//! [`RequestError`].

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{
    Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, RestrictedExpression,
};

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

macro_rules! from_cedar {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for RequestError {
            fn from(err: $ty) -> Self {
                Self(Box::new(RequestErrorKind::$variant(err)))
            }
        }
    )*};
}

from_cedar!(
    Expression(cedar_policy::ExpressionConstructionError),
    Entity(cedar_policy::EntityAttrEvaluationError),
    Entities(cedar_policy::entities_errors::EntitiesError),
    Context(cedar_policy::ContextCreationError),
    Request(cedar_policy::RequestValidationError)
);

/// The part of the request Cedar refused.
#[derive(Debug, thiserror::Error)]
pub enum RequestErrorKind {
    #[error("entity type `Aws::{ty}`: {source}")]
    TypeName {
        ty: &'static str,
        source: cedar_policy::ParseErrors,
    },
    #[error(transparent)]
    Expression(cedar_policy::ExpressionConstructionError),
    #[error(transparent)]
    Entity(cedar_policy::EntityAttrEvaluationError),
    #[error(transparent)]
    Entities(cedar_policy::entities_errors::EntitiesError),
    #[error(transparent)]
    Context(cedar_policy::ContextCreationError),
    #[error(transparent)]
    Request(cedar_policy::RequestValidationError),
}

fn uid(u: &Uid) -> Result<EntityUid, RequestError> {
    Ok(EntityUid::from_type_name_and_id(
        type_name(u.ty)?,
        EntityId::new(&u.id),
    ))
}

/// `Aws::<ty>`, parsed once per thread: running Cedar's parser for every uid of every event
/// would cost more than evaluating the policies.
fn type_name(ty: &'static str) -> Result<EntityTypeName, RequestError> {
    thread_local! {
        static TYPES: RefCell<HashMap<&'static str, EntityTypeName>> =
            RefCell::new(HashMap::new());
    }
    TYPES.with(|types| {
        if let Some(parsed) = types.borrow().get(ty) {
            return Ok(parsed.clone());
        }
        let parsed = EntityTypeName::from_str(&format!("Aws::{ty}"))
            .map_err(|source| RequestError(Box::new(RequestErrorKind::TypeName { ty, source })))?;
        types.borrow_mut().insert(ty, parsed.clone());
        Ok(parsed)
    })
}

fn expr(v: &Value) -> Result<RestrictedExpression, RequestError> {
    Ok(match v {
        Value::Bool(b) => RestrictedExpression::new_bool(*b),
        Value::Long(n) => RestrictedExpression::new_long(*n),
        Value::String(s) => RestrictedExpression::new_string(s.clone()),
        Value::Set(items) => {
            RestrictedExpression::new_set(items.iter().map(expr).collect::<Result<Vec<_>, _>>()?)
        }
        Value::Record(fields) => RestrictedExpression::new_record(
            fields
                .iter()
                .map(|(k, v)| Ok((k.clone(), expr(v)?)))
                .collect::<Result<Vec<_>, RequestError>>()?,
        )?,
        Value::Ip(s) => RestrictedExpression::new_ip(s),
        Value::Datetime(s) => RestrictedExpression::new_datetime(s),
        Value::Entity(u) => RestrictedExpression::new_entity_uid(uid(u)?),
    })
}

/// The entity, with only the attributes whose names are in `read`.
fn entity(data: &EntityData, read: &Fields) -> Result<Entity, RequestError> {
    let attrs = data
        .attrs
        .iter()
        .filter(|(k, _)| read.keeps(k))
        .map(|(k, v)| Ok((k.clone(), expr(v)?)))
        .collect::<Result<Vec<_>, RequestError>>()?;
    let parents = data
        .parents
        .iter()
        .map(uid)
        .collect::<Result<Vec<_>, _>>()?;
    let tags = data
        .tags
        .iter()
        .map(|(k, v)| (k.clone(), RestrictedExpression::new_string(v.clone())));
    Ok(Entity::new_with_tags(
        uid(&data.uid)?,
        attrs,
        parents,
        tags,
    )?)
}

/// The Cedar request and entities for a model request, with only the attributes named in
/// `read` (see [`crate::policy::Slot::attrs`]); configured accounts replace the model's
/// untagged ones.
pub(super) fn to_cedar(
    request: &Request,
    pack: &PolicyPack,
    read: &Fields,
) -> Result<(cedar_policy::Request, Entities), RequestError> {
    let mut seen = HashSet::new();
    let mut entities = Vec::new();
    for data in [&request.principal, &request.resource]
        .into_iter()
        .chain(&request.entities)
    {
        if !seen.insert(data.uid.clone()) {
            continue;
        }
        let configured = (data.uid.ty == "Account")
            .then(|| pack.accounts.get(&data.uid.id))
            .flatten();
        entities.push(match configured {
            Some(e) => e.clone(),
            None => entity(data, read)?,
        });
    }
    let action = uid(&request.action)?;
    entities.push(Entity::new_no_attrs(
        action.clone(),
        [uid(&request.action_group)?].into_iter().collect(),
    ));
    let context = Context::from_pairs(
        request
            .context
            .iter()
            .filter(|(k, _)| read.keeps(k))
            .map(|(k, v)| Ok((k.clone(), expr(v)?)))
            .collect::<Result<Vec<_>, RequestError>>()?,
    )?;
    let cedar_request = cedar_policy::Request::new(
        uid(&request.principal.uid)?,
        action,
        uid(&request.resource.uid)?,
        context,
        None,
    )?;
    let entities = Entities::from_entities(entities, None)?;
    Ok((cedar_request, entities))
}
