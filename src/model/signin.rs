//! AWS sign-in: console logins, whose target is the account.

use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{ACCOUNT, EventSpec, Value};

pub const EVENTS: &[EventSpec] = events! {
    ACCOUNT: ["ConsoleLogin" => console_login],
};

/// `consoleLogin`: whether the sign-in used MFA (`additionalEventData.MFAUsed`) and succeeded
/// (`responseElements.ConsoleLogin`). A sign-in whose record does not say is counted as
/// without MFA, and as not failed.
fn console_login(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("consoleLogin", out);
    let data_at = Path::root("additionalEventData");
    let data = report.object(&data_at, input.record.get("additionalEventData"));
    let mfa = report
        .string(&data_at.key("MFAUsed"), data.and_then(|d| d.get("MFAUsed")))
        .is_some_and(|s| s.eq_ignore_ascii_case("yes"));
    let response_at = Path::root("responseElements");
    let response = report.object(&response_at, input.record.get("responseElements"));
    let result = report.string(
        &response_at.key("ConsoleLogin"),
        response.and_then(|r| r.get("ConsoleLogin")),
    );
    let failed = result.is_some_and(|r| r.eq_ignore_ascii_case("failure"));
    fact(
        "consoleLogin",
        [
            ("mfaUsed", Value::Bool(mfa)),
            ("success", Value::Bool(!failed)),
        ],
    )
}
