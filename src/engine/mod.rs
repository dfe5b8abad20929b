//! The decision: one event in, compliant / non-compliant / skipped / error out, with the
//! policies that matched. Pure: the model builds the request, Cedar evaluates it against the
//! active policy set, and nothing here does I/O.

mod cedar;

use std::time::{Duration, Instant};

use cedar_policy::{Authorizer, PolicySet};
use serde::{Deserialize, Serialize};

use crate::event::{Event, Head};
use crate::model::{self, Malformed, Request};
use crate::policy::{Fields, Meta, PolicyPack, Slot};

use cedar::to_cedar;
pub use cedar::{RequestError, RequestErrorKind};

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
    /// The request: when policies were evaluated, with the attributes and parameters they can
    /// read (and those the record names), else only its principal, action and resource.
    /// `snapback explain` builds it in full ([`model::build`]).
    pub request: Request,
    /// Whether some policy was evaluated against the event: a call that was made, by a
    /// principal type, on an action that some active policy's scope can match.
    pub evaluated: bool,
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

    /// Whether the event is one the pack looks at: a change (not a read, a failed call or an
    /// Insights event) whose action some active policy can match.
    pub fn watches(&self, event: &Event) -> bool {
        let head = event.head();
        skip_reason(&head).is_none() && self.pack.index().watches(&model::action_id(&head))
    }

    /// Decide one event: only the policies whose scope can match its action and principal
    /// are evaluated, against a request holding only the parameters they can read.
    pub fn decide(&self, event: &Event) -> Decision {
        let start = Instant::now();
        let head = event.head();
        let (request, evaluated, (outcome, reason, matched, errors)) = match skip_reason(&head) {
            Some(reason) => (
                model::build_scope(&head),
                false,
                (Outcome::Skipped, reason, Vec::new(), Vec::new()),
            ),
            None => {
                let index = self.pack.index();
                let action = model::action_id(&head);
                let slot = index.slot(&action, model::principal_type(&head));
                if slot.is_empty() {
                    // No policy for this principal type: one scoped to another type might have
                    // concerned the event, if its principal's type cannot be read.
                    let verdict = match model::malformed_principal_type(&head) {
                        Some(m) if index.typed(&action) => fail_closed(compliant(), &[&m]),
                        _ => compliant(),
                    };
                    (model::build_scope(&head), false, verdict)
                } else {
                    let request =
                        model::build_for(&head, slot.fields(), slot.attrs(), &self.pack.org);
                    let verdict = self.evaluate(&request, &slot.policies, slot.attrs());
                    let verdict = if request.malformed.is_empty() {
                        verdict
                    } else {
                        let relied_on = relied_on(&request, slot, index.typed(&action));
                        fail_closed(verdict, &relied_on)
                    };
                    (request, true, verdict)
                }
            }
        };
        Decision {
            outcome,
            reason,
            matched,
            errors,
            request,
            evaluated,
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
pub fn skip_reason(head: &Head<'_>) -> Option<String> {
    if head.is_insight() {
        return Some("CloudTrail Insights event: a rate anomaly, not a change".to_owned());
    }
    if let Some(code) = head.error_code {
        return Some(format!("failed call (errorCode `{code}`)"));
    }
    if head.read_only {
        return Some("read-only call".to_owned());
    }
    None
}
