//! What the two reverts of a policy someone put on a user, group or role share
//! (`iam-detach-policy`, `iam-delete-inline-policy`): the plan names the kind of principal and
//! the one policy the event put on it, so no other policy of the principal is ever touched.

use super::{PlanError, Planning};
use crate::aws::IamPrincipal;

/// The policy an event put on a user, group or role.
pub(super) struct PolicyPut<'a> {
    pub kind: IamPrincipal,
    /// The request parameter that names the policy (its ARN or name).
    pub policy: &'a str,
    /// The principal for people: ``user `alice` ``.
    pub principal: String,
}

/// The principal the event names, and the policy its request parameter `key` names; a plan
/// error when either is missing.
pub(super) fn policy_put<'a>(p: &Planning<'a>, key: &str) -> Result<PolicyPut<'a>, PlanError> {
    let kind = IamPrincipal::from_resource_type(p.request.resource.uid.ty)
        .ok_or_else(|| p.error("the event names no user, group or role"))?;
    let policy = p
        .param(key)
        .ok_or_else(|| p.error(format!("the event names no `{key}`")))?;
    let principal = format!("{} `{}`", kind.label(), p.request.resource.uid.id);
    Ok(PolicyPut {
        kind,
        policy,
        principal,
    })
}
