//! Which values are replaced whole: those of fields with a secret name ([`names`]), and those
//! of the shapes that are secret-bearing whatever their fields are named: the value of a
//! name/value pair whose name names a secret, an SSM parameter's value, and environment
//! variables (Lambda, ECS, Batch, CodeBuild, SageMaker, App Runner).

use serde_json::{Map, Value};

use super::names;

/// The name half of a name/value pair (folded, see [`names::is`]).
const PAIR_NAMES: &[&str] = &["name", "key", "parameterkey", "parametername", "optionname"];

/// The value half of a name/value pair.
const PAIR_VALUES: &[&str] = &["value", "parametervalue"];

/// The `type` of an SSM parameter: an object of that type has a secret-bearing `value`.
const PARAMETER_TYPES: &[&str] = &["String", "StringList", "SecureString"];

/// Whether `child`, the value of field `key` in an object that is itself the value of field
/// `parent`, is replaced whole; `pair` says the object is a name/value pair with a secret name.
pub fn whole(key: &str, child: &Value, parent: Option<&str>, pair: bool) -> bool {
    let scalar = matches!(child, Value::Bool(_) | Value::Number(_));
    (!scalar && names::secret_name(key))
        || (pair && PAIR_VALUES.iter().any(|v| names::is(key, v)))
        || names::is(key, "environmentvariables")
        || names::is(key, "environmentvariablesoverride")
        || (names::is(key, "variables") && parent.is_some_and(|p| names::is(p, "environment")))
        || (names::is(key, "environment") && environment_variables(child))
}

/// Whether an `environment` field holds the variables themselves: a list (ECS and Batch
/// `[{name, value}]`) or a map of strings (SageMaker, App Runner), rather than an object
/// that holds them under `variables` (Lambda) or beside other settings (CodeBuild).
fn environment_variables(child: &Value) -> bool {
    match child {
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty() && map.values().all(Value::is_string),
        _ => false,
    }
}

/// Whether `map` is a name/value pair whose name looks secret-bearing, or an SSM parameter.
pub fn secret_pair(map: &Map<String, Value>) -> bool {
    map.iter().any(|(key, value)| {
        let Some(text) = value.as_str() else {
            return false;
        };
        (PAIR_NAMES.iter().any(|n| names::is(key, n)) && names::secret_name(text))
            || (names::is(key, "type")
                && PARAMETER_TYPES.iter().any(|t| text.eq_ignore_ascii_case(t)))
    })
}
