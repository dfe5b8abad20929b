//! The decision: one event in, compliant / non-compliant / skipped / error out, with the
//! policies that matched. Pure: the model builds the request, Cedar evaluates it against the
//! active policy set, and nothing here does I/O.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::{Duration, Instant};

use cedar_policy::{
    Authorizer, Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicySet,
    RestrictedExpression,
};
use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::model::{self, EntityData, Malformed, Request, Uid, Value};
use crate::policy::{Fields, Meta, PolicyPack, Slot};

/// The verdict on one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Compliant,
    NonCompliant,
    Skipped,
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compliant => "compliant",
            Self::NonCompliant => "non_compliant",
            Self::Skipped => "skipped",
            Self::Error => "error",
        }
    }
}

/// A policy that could not be evaluated for an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyError {
    /// The policy id, or None for an error about the request itself.
    pub policy: Option<String>,
    pub message: String,
}

/// The decision on one event.
#[derive(Debug, Clone)]
pub struct Decision {
    pub outcome: Outcome,
    pub reason: String,
    /// The forbid policies the event satisfied, sorted by id.
    pub matched: Vec<Meta>,
    pub errors: Vec<PolicyError>,
    /// The request: in full when policies were evaluated, else only its principal, action
    /// and resource (what the record names).
    pub request: Request,
    pub elapsed: Duration,
}

/// Evaluates events against a policy pack.
#[derive(Debug)]
pub struct Engine {
    pack: PolicyPack,
    authorizer: Authorizer,
}

impl Engine {
    pub fn new(pack: PolicyPack) -> Self {
        Self {
            pack,
            authorizer: Authorizer::new(),
        }
    }

    pub fn pack(&self) -> &PolicyPack {
        &self.pack
    }

    /// Decide one event: only the policies whose scope can match its action and principal
    /// are evaluated, against a request holding only the parameters they can read.
    pub fn decide(&self, event: &Event) -> Decision {
        let start = Instant::now();
        let (request, (outcome, reason, matched, errors)) = match skip_reason(event) {
            Some(reason) => (
                model::build_scope(event),
                (Outcome::Skipped, reason, Vec::new(), Vec::new()),
            ),
            None => {
                let index = self.pack.index();
                let action = model::action_id(event);
                let slot = index.slot(&action, model::principal_type(event));
                if slot.is_empty() {
                    // No policy for this principal type: one scoped to another type might have
                    // concerned the event, if its principal's type cannot be read.
                    let verdict = match model::malformed_principal_type(event) {
                        Some(m) if index.typed(&action) => fail_closed(compliant(), &[&m]),
                        _ => compliant(),
                    };
                    (model::build_scope(event), verdict)
                } else {
                    let request = model::build_for(event, slot.fields());
                    let verdict = self.evaluate(&request, &slot.policies, slot.attrs());
                    let verdict = if request.malformed.is_empty() {
                        verdict
                    } else {
                        let relied_on = relied_on(&request, slot, index.typed(&action));
                        fail_closed(verdict, &relied_on)
                    };
                    (request, verdict)
                }
            }
        };
        Decision {
            outcome,
            reason,
            matched,
            errors,
            request,
            elapsed: start.elapsed(),
        }
    }

    fn evaluate(&self, request: &Request, policies: &PolicySet, attrs: &Fields) -> Verdict {
        let (cedar_request, entities) = match to_cedar(request, &self.pack, attrs) {
            Ok(built) => built,
            Err(err) => {
                let message = err.to_string();
                let reason = format!("cannot build the Cedar request: {message}");
                return (
                    Outcome::Error,
                    reason,
                    Vec::new(),
                    vec![PolicyError {
                        policy: None,
                        message,
                    }],
                );
            }
        };
        let response = self
            .authorizer
            .is_authorized(&cedar_request, policies, &entities);
        let diagnostics = response.diagnostics();
        let mut matched: Vec<Meta> = diagnostics
            .reason()
            .filter_map(|id| self.pack.meta(id.as_ref()).cloned())
            .collect();
        matched.sort_by(|a, b| a.id.cmp(&b.id));
        let mut errors: Vec<PolicyError> = diagnostics
            .errors()
            .map(|e| {
                let cedar_policy::AuthorizationError::PolicyEvaluationError(inner) = e;
                PolicyError {
                    policy: Some(inner.policy_id().to_string()),
                    message: e.to_string(),
                }
            })
            .collect();
        errors.sort_by(|a, b| a.policy.cmp(&b.policy));
        let ids = |ms: &[String]| ms.join(", ");
        if !matched.is_empty() {
            let names: Vec<String> = matched.iter().map(|m| m.id.clone()).collect();
            (
                Outcome::NonCompliant,
                format!("forbidden by {}", ids(&names)),
                matched,
                errors,
            )
        } else if !errors.is_empty() {
            let names: Vec<String> = errors.iter().filter_map(|e| e.policy.clone()).collect();
            (
                Outcome::Error,
                format!("evaluation failed in {}", ids(&names)),
                matched,
                errors,
            )
        } else {
            compliant()
        }
    }
}

/// An outcome, its reason, the policies matched and the evaluation errors.
type Verdict = (Outcome, String, Vec<Meta>, Vec<PolicyError>);

fn compliant() -> Verdict {
    (
        Outcome::Compliant,
        "no forbid policy matched".to_owned(),
        Vec::new(),
        Vec::new(),
    )
}

/// The malformed fields of a request that some policy evaluated against it relies on: the
/// attribute derived from the field is read by a policy that can match the request's resource
/// type, or the field names the resource and some policy constrains it, or the field is the
/// principal's type and some policy on the action is scoped to a principal type (`typed`).
fn relied_on<'r>(request: &'r Request, slot: &Slot, typed: bool) -> Vec<&'r Malformed> {
    let resource_type = request.resource.uid.ty;
    request
        .malformed
        .iter()
        .filter(|m| match m.fact {
            model::RESOURCE => slot.relies_on_resource(),
            model::PRINCIPAL_TYPE => typed || slot.relies_on(m.fact, resource_type),
            fact => slot.relies_on(fact, resource_type),
        })
        .collect()
}

/// Fail closed on fields that are present but malformed: each is an error about the request
/// (no policy named). A violation that matched stays `non_compliant` (its revert still runs),
/// with the errors listed; otherwise the decision is `error`, never `compliant`.
fn fail_closed(verdict: Verdict, malformed: &[&Malformed]) -> Verdict {
    if malformed.is_empty() {
        return verdict;
    }
    let (outcome, reason, matched, mut errors) = verdict;
    let mut fields: Vec<String> = Vec::with_capacity(malformed.len());
    for m in malformed {
        let message = m.to_string();
        if !errors.iter().any(|e| e.message == message) {
            errors.push(PolicyError {
                policy: None,
                message,
            });
        }
        let field = format!("`{}`", m.field);
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    errors.sort_by(|a, b| a.policy.cmp(&b.policy));
    let fields = fields.join(", ");
    match outcome {
        Outcome::NonCompliant => (outcome, reason, matched, errors),
        Outcome::Error => (
            Outcome::Error,
            format!("{reason}; malformed {fields}"),
            matched,
            errors,
        ),
        Outcome::Compliant | Outcome::Skipped => (
            Outcome::Error,
            format!("malformed {fields}"),
            matched,
            errors,
        ),
    }
}

/// Why an event is not evaluated: a failed call changed nothing, a read changed nothing.
pub fn skip_reason(event: &Event) -> Option<String> {
    if event.is_insight() {
        return Some("CloudTrail Insights event: a rate anomaly, not a change".to_owned());
    }
    if let Some(code) = event.error_code() {
        return Some(format!("failed call (errorCode `{code}`)"));
    }
    if event.read_only() {
        return Some("read-only call".to_owned());
    }
    None
}

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
fn to_cedar(
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
