//! The `remediation!` declaration every remediation file is, and the [`Planning`] its plan is
//! made from: a remediation is written as its name, service, IAM actions, plan and revert, with
//! none of the trait's boilerplate.

use super::{Plan, PlanError};
use crate::event::Event;
use crate::model::Request;

/// Declares a remediation: a unit struct implementing [`Remediation`](super::Remediation),
/// written as its name, the service it calls, its IAM actions, its plan and its apply.
///
/// * `plan: |p| ...` makes the [`Plan`] from `p`, a [`Planning`] (the event, the request and
///   the remediation's name, for its errors);
/// * `revert: |plan, aws| { let ...; read: ..., still_wrong: ..., act: ... }` is the usual
///   apply: after the `let`s, the three closures given to [`revert`](super::revert), written
///   without `move`;
/// * `revert: |plan, aws, args: Args| { ... }` first reads the plan's arguments back as `Args`
///   (a rejected error when they do not fit, see [`args`](super::args));
/// * `apply: |plan, aws| ...` is any other apply: an expression giving the
///   [`Applying`](super::Applying).
///
/// ```ignore
/// remediation! {
///     StartLogging {
///         name: "cloudtrail-start-logging",
///         service: "cloudtrail",
///         iam: &["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"],
///     }
///     plan: |p| p.resource("Trail", |trail| format!("start logging on trail `{trail}`")),
///     revert: |plan, aws| {
///         let (trail, ct) = (plan.resource.as_str(), aws.cloudtrail());
///         read: || ct.is_logging(trail),
///         still_wrong: |logging| (!logging).then(|| "the trail is still not logging".into()),
///         act: |_| ct.start_trail(trail),
///     },
/// }
/// ```
macro_rules! remediation {
    (
        $ty:ident { name: $name:literal, service: $service:literal, iam: $iam:expr $(,)? }
        plan: |$p:pat_param| $plan:expr,
        $($apply:tt)*
    ) => {
        pub struct $ty;

        impl $crate::remediation::Remediation for $ty {
            fn meta(&self) -> &'static $crate::remediation::Meta {
                &$crate::remediation::Meta { name: $name, service: $service, iam_actions: $iam }
            }

            fn plan(
                &self,
                event: &$crate::event::Event,
                request: &$crate::model::Request,
            ) -> Result<$crate::remediation::Plan, $crate::remediation::PlanError> {
                let $p = $crate::remediation::Planning { name: $name, event, request };
                $plan
            }

            $crate::remediation::remediation!(@apply $($apply)*);
        }
    };
    (@apply revert: |$plan:ident, $aws:ident, $args:ident: $args_ty:ty| {
        $(let $v:pat = $e:expr;)*
        read: || $read:expr,
        still_wrong: |$s:pat_param| $still:expr,
        act: |$a:pat_param| $act:expr $(,)?
    } $(,)?) => {
        fn apply<'a>(
            &'a self,
            plan: &'a $crate::remediation::Plan,
            aws: &'a dyn $crate::aws::Capabilities,
        ) -> $crate::remediation::Applying<'a> {
            Box::pin(async move {
                let $args: $args_ty = $crate::remediation::args(plan)?;
                let ($plan, $aws) = (plan, aws);
                $(let $v = $e;)*
                $crate::remediation::revert(
                    $aws,
                    move || $read,
                    move |$s| $still,
                    move |$a| $act,
                )
                .await
            })
        }
    };
    (@apply revert: |$plan:ident, $aws:ident| {
        $(let $v:pat = $e:expr;)*
        read: || $read:expr,
        still_wrong: |$s:pat_param| $still:expr,
        act: |$a:pat_param| $act:expr $(,)?
    } $(,)?) => {
        fn apply<'a>(
            &'a self,
            $plan: &'a $crate::remediation::Plan,
            $aws: &'a dyn $crate::aws::Capabilities,
        ) -> $crate::remediation::Applying<'a> {
            $(let $v = $e;)*
            $crate::remediation::revert($aws, move || $read, move |$s| $still, move |$a| $act)
        }
    };
    (@apply apply: |$plan:pat_param, $aws:pat_param| $body:expr $(,)?) => {
        fn apply<'a>(
            &'a self,
            $plan: &'a $crate::remediation::Plan,
            $aws: &'a dyn $crate::aws::Capabilities,
        ) -> $crate::remediation::Applying<'a> {
            $body
        }
    };
}
pub(crate) use remediation;

/// What a plan is made from: the event, the request the model built from it, and the name of
/// the remediation planning (which its errors carry).
pub(crate) struct Planning<'a> {
    pub name: &'static str,
    pub event: &'a Event,
    pub request: &'a Request,
}

impl<'a> Planning<'a> {
    /// A plan error naming the remediation.
    pub fn error(&self, message: impl Into<String>) -> PlanError {
        PlanError {
            remediation: self.name,
            message: message.into(),
        }
    }

    /// The id of the resource of type `ty` the event names, or a plan error when the model
    /// fell back to the account.
    pub fn target(&self, ty: &str) -> Result<String, PlanError> {
        let uid = &self.request.resource.uid;
        if uid.ty == ty {
            Ok(uid.id.clone())
        } else {
            Err(self.error(format!("the event names no {ty}")))
        }
    }

    /// The plan for the event's resource, with these arguments and summary.
    pub fn plan(&self, args: serde_json::Value, summary: String) -> Plan {
        let resource = &self.request.resource;
        Plan {
            remediation: self.name.to_owned(),
            account: resource.attr_str("account").to_owned(),
            region: resource.attr_str("region").to_owned(),
            resource: resource.uid.id.clone(),
            args,
            summary,
        }
    }

    /// The plan for the resource of type `ty` the event names, without arguments; `summary`
    /// says, from its id, what will be done to it.
    pub fn resource(
        &self,
        ty: &str,
        summary: impl FnOnce(&str) -> String,
    ) -> Result<Plan, PlanError> {
        let id = self.target(ty)?;
        Ok(self.plan(serde_json::json!({}), summary(&id)))
    }

    /// The field at the dotted `path` of the event's `responseElements`, when it is a
    /// non-empty string (`accessKey.accessKeyId`).
    pub fn response(&self, path: &str) -> Option<&'a str> {
        crate::event::lookup(&self.event.record, &format!("responseElements.{path}"))
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The request parameter `key` of the event, when it is a non-empty string.
    pub fn param(&self, key: &str) -> Option<&'a str> {
        self.event
            .request_parameters()
            .and_then(|p| p.get(key))
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
    }
}
