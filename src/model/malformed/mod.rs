//! Present but malformed: the fields a derived fact is computed from are read leniently (a
//! boolean written as a string is still a boolean), but a field that is there and cannot be read
//! at all (a policy document that is not JSON, a CIDR that does not parse, a port out of range)
//! is reported, with its path, so that the engine can fail closed instead of reading it as
//! "absent". An absent field (missing or `null`) is never reported.
//!
//! Paths are built on the stack and rendered only when something is reported, so reading a
//! well-formed event allocates nothing here.

mod path;

use serde_json::{Map, Value as Json};

use path::Seg;
pub use path::{Item, Path};

/// The fact the resource is derived from: every policy scoped to a resource type relies on it.
pub const RESOURCE: &str = "resource";
/// The fact the principal's type is derived from: every policy scoped to a principal type
/// relies on it.
pub const PRINCIPAL_TYPE: &str = "identityType";

/// A field that is present in the event but cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// The attribute computed from the field: a context fact (`bucketPolicy`, `ingress`), a
    /// principal attribute (`sessionIssuerArn`), [`RESOURCE`] or [`PRINCIPAL_TYPE`].
    pub fact: &'static str,
    /// Where the field is: `requestParameters.ipPermissions.items.0.fromPort`.
    pub field: String,
    /// What is wrong with it, lowercase.
    pub problem: String,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is malformed: {}", self.field, self.problem)
    }
}

/// Report each problem found since `out` held `start` items for `fact` too: for a second fact
/// derived from the same fields (`access` beside `sharing`), which must fail closed as well.
pub fn also_for(out: &mut Vec<Malformed>, start: usize, fact: &'static str) {
    let copies: Vec<Malformed> = out
        .iter()
        .skip(start)
        .map(|m| Malformed { fact, ..m.clone() })
        .collect();
    out.extend(copies);
}

/// Collects what is malformed in the fields behind one fact, and reads them leniently.
#[derive(Debug)]
pub struct Report<'o> {
    fact: &'static str,
    out: &'o mut Vec<Malformed>,
}

/// The value, unless it is absent (`null` is absent too).
pub fn present(value: Option<&Json>) -> Option<&Json> {
    value.filter(|v| !v.is_null())
}

/// Where a dotted lookup (`a.b.c`, as [`crate::event::lookup`] reads it) runs into a value that
/// is present but cannot hold the rest of the path: `a` when `a` is a number or a string. None
/// when the path leads to a value, or to nothing (a missing key, `null`, a list without that
/// index: those are absent).
pub fn dead_end<'p>(map: &Map<String, Json>, path: &'p str) -> Option<&'p str> {
    let mut parts = path.split('.');
    let mut current = map.get(parts.next()?)?;
    let mut end = path.find('.').unwrap_or(path.len());
    for part in parts {
        current = match current {
            Json::Object(m) => m.get(part)?,
            Json::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            Json::Null => return None,
            Json::Bool(_) | Json::Number(_) | Json::String(_) => return path.get(..end),
        };
        end += 1 + part.len();
    }
    None
}

/// A boolean, or a string that spells one (any case).
pub fn boolish(value: &Json) -> Option<bool> {
    match value {
        Json::Bool(b) => Some(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

impl<'o> Report<'o> {
    pub fn new(fact: &'static str, out: &'o mut Vec<Malformed>) -> Self {
        Self { fact, out }
    }

    /// Report the field at `at`.
    pub fn flag(&mut self, at: &Path<'_>, problem: impl Into<String>) {
        self.out.push(Malformed {
            fact: self.fact,
            field: at.render(),
            problem: problem.into(),
        });
    }

    fn wrong(&mut self, at: &Path<'_>, expected: &str, value: &Json) {
        self.flag(at, format!("expected {expected}, found {}", kind(value)));
    }

    /// A boolean (or `"true"`/`"false"`); anything else present is reported.
    pub fn boolean(&mut self, at: &Path<'_>, value: Option<&Json>) -> Option<bool> {
        let value = present(value)?;
        let b = boolish(value);
        if b.is_none() {
            self.wrong(at, "a boolean", value);
        }
        b
    }

    /// An integer (or a string holding one) in `range`; anything else present is reported.
    pub fn integer(
        &mut self,
        at: &Path<'_>,
        value: Option<&Json>,
        range: std::ops::RangeInclusive<i64>,
    ) -> Option<i64> {
        let value = present(value)?;
        let n = match value {
            Json::Number(n) => n.as_i64(),
            Json::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        match n {
            Some(n) if range.contains(&n) => Some(n),
            Some(n) => {
                self.flag(
                    at,
                    format!("{n} is out of range ({} to {})", range.start(), range.end()),
                );
                None
            }
            None => {
                self.wrong(at, "an integer", value);
                None
            }
        }
    }

    /// A string; anything else present is reported.
    pub fn string<'v>(&mut self, at: &Path<'_>, value: Option<&'v Json>) -> Option<&'v str> {
        let value = present(value)?;
        let s = value.as_str();
        if s.is_none() {
            self.wrong(at, "a string", value);
        }
        s
    }

    /// A string or a list of strings; anything else present (or a non-string element) is
    /// reported.
    pub fn strings<'v>(&mut self, at: &Path<'_>, value: Option<&'v Json>) -> Vec<&'v str> {
        match present(value) {
            None => Vec::new(),
            Some(Json::String(s)) => vec![s.as_str()],
            Some(Json::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) => out.push(s),
                        None => {
                            let at = at.index(i);
                            self.wrong(&at, "a string", item);
                        }
                    }
                }
                out
            }
            Some(other) => {
                self.wrong(at, "a string or a list of strings", other);
                Vec::new()
            }
        }
    }

    /// [`Report::strings`] without collecting them: only what is malformed is reported.
    pub fn expect_strings(&mut self, at: &Path<'_>, value: Option<&Json>) {
        match present(value) {
            None | Some(Json::String(_)) => {}
            Some(Json::Array(items)) if items.iter().all(Json::is_string) => {}
            Some(other) => {
                self.strings(at, Some(other));
            }
        }
    }

    /// An object; anything else present is reported.
    pub fn object<'v>(
        &mut self,
        at: &Path<'_>,
        value: Option<&'v Json>,
    ) -> Option<&'v Map<String, Json>> {
        let value = present(value)?;
        let o = value.as_object();
        if o.is_none() {
            self.wrong(at, "an object", value);
        }
        o
    }

    /// The elements of a list however it is written: `[...]`, `{"items": [...]}` (`{}` is
    /// empty) or one object. A scalar, or an `items` that is not a list, is reported.
    pub fn items<'v>(&mut self, at: &Path<'_>, value: Option<&'v Json>) -> Vec<Item<'v>> {
        match present(value) {
            None => Vec::new(),
            Some(Json::Array(a)) => Item::each(a, Seg::Index),
            Some(whole @ Json::Object(o)) => match o.get("items") {
                Some(Json::Array(a)) => Item::each(a, Seg::Items),
                Some(Json::Null) => Vec::new(),
                Some(other) => {
                    let at = at.key("items");
                    self.wrong(&at, "a list", other);
                    Vec::new()
                }
                None if o.is_empty() => Vec::new(),
                None => vec![Item {
                    value: whole,
                    seg: Seg::Same,
                }],
            },
            Some(other) => {
                self.wrong(at, "a list or an object", other);
                Vec::new()
            }
        }
    }

    /// [`Report::items`], keeping only the elements that are objects (the others are
    /// reported), each with its path.
    pub fn objects<'v>(
        &mut self,
        at: &Path<'_>,
        value: Option<&'v Json>,
    ) -> Vec<(Item<'v>, &'v Map<String, Json>)> {
        let items = self.items(at, value);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.value {
                Json::Object(o) => out.push((item, o)),
                other => self.wrong(&item.path(at), "an object", other),
            }
        }
        out
    }
}

/// Test support for the service files: a facts function's facts, and each malformed field it
/// reported as `fact field: problem`.
#[cfg(test)]
pub(crate) fn derive(
    f: crate::model::FactsFn,
    params: Json,
) -> (Vec<(String, crate::model::Value)>, Vec<String>) {
    let map = match params {
        Json::Object(map) => map,
        _ => Map::new(),
    };
    let mut out = Vec::new();
    let (record, org) = (Map::new(), crate::model::Org::default());
    let input = crate::model::Input {
        params: &map,
        record: &record,
        account: "111122223333",
        org: &org,
    };
    let facts = f(&input, &mut out);
    let found = out
        .into_iter()
        .map(|m| format!("{} {}: {}", m.fact, m.field, m.problem))
        .collect();
    (facts, found)
}

/// Test support: `f` reports exactly one malformed field for `params`, starting with `prefix`
/// (for problems that quote a parser's own message).
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_one_problem(f: crate::model::FactsFn, params: Json, prefix: &str) {
    let found = problems(f, params);
    assert!(
        found.len() == 1 && found.iter().all(|p| p.starts_with(prefix)),
        "expected one problem starting `{prefix}`: {found:?}"
    );
}

/// Test support: only the malformed fields [`derive`] lists.
#[cfg(test)]
pub(crate) fn problems(f: crate::model::FactsFn, params: Json) -> Vec<String> {
    derive(f, params).1
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use serde_json::json;

    #[test]
    fn paths_render_only_their_segments() {
        let root = Path::root("requestParameters");
        let list = root.key("ipPermissions");
        let mut out = Vec::new();
        let mut report = Report::new("ingress", &mut out);
        let wrapped = json!({"items": [{"a": 1}, 7]});
        let items = report.objects(&list, Some(&wrapped));
        assert_eq!(items.len(), 1);
        assert_eq!(
            items[0].0.path(&list).render(),
            "requestParameters.ipPermissions.items.0"
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].field, "requestParameters.ipPermissions.items.1");
        assert_eq!(out[0].problem, "expected an object, found a number");
    }

    #[test]
    fn absent_and_null_are_never_reported() {
        let mut out = Vec::new();
        let mut report = Report::new("x", &mut out);
        let at = Path::root("requestParameters");
        assert_eq!(report.boolean(&at, None), None);
        assert_eq!(report.boolean(&at, Some(&Json::Null)), None);
        assert_eq!(report.integer(&at, Some(&Json::Null), 0..=1), None);
        assert!(report.items(&at, Some(&Json::Null)).is_empty());
        assert!(report.items(&at, Some(&json!({}))).is_empty());
        assert!(out.is_empty());
    }

    #[test]
    fn a_scalar_in_the_way_of_a_path_is_a_dead_end() {
        let params = json!({"Request": 7, "List": [], "Deep": {"Inner": "x"}, "Gone": null});
        let Json::Object(map) = params else {
            unreachable!()
        };
        assert_eq!(dead_end(&map, "Request.GroupId"), Some("Request"));
        assert_eq!(dead_end(&map, "Deep.Inner.More"), Some("Deep.Inner"));
        assert_eq!(dead_end(&map, "Deep.Inner"), None);
        assert_eq!(dead_end(&map, "List.0.Id"), None);
        assert_eq!(dead_end(&map, "Gone.Id"), None);
        assert_eq!(dead_end(&map, "Missing.Id"), None);
    }

    #[test]
    fn lenient_spellings_are_well_formed() {
        let mut out = Vec::new();
        let mut report = Report::new("x", &mut out);
        let at = Path::root("p");
        assert_eq!(report.boolean(&at, Some(&json!("TRUE"))), Some(true));
        assert_eq!(
            report.integer(&at, Some(&json!(" 22 ")), 0..=65535),
            Some(22)
        );
        assert_eq!(report.strings(&at, Some(&json!("a"))), ["a"]);
        assert_eq!(report.items(&at, Some(&json!({"a": 1}))).len(), 1);
        assert!(out.is_empty());
    }

    #[test]
    fn wrong_types_and_ranges_are_reported() {
        let mut out = Vec::new();
        let mut report = Report::new("x", &mut out);
        let at = Path::root("p");
        assert_eq!(report.boolean(&at, Some(&json!("yes"))), None);
        assert_eq!(report.integer(&at, Some(&json!(70000)), 0..=65535), None);
        assert_eq!(report.integer(&at, Some(&json!("ssh")), 0..=65535), None);
        assert_eq!(report.strings(&at, Some(&json!(["a", {}]))), ["a"]);
        assert!(report.items(&at, Some(&json!("x"))).is_empty());
        assert!(report.items(&at, Some(&json!({"items": "x"}))).is_empty());
        let fields: Vec<&str> = out.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(fields, ["p", "p", "p", "p.1", "p", "p.items"]);
        assert_eq!(out[1].problem, "70000 is out of range (0 to 65535)");
    }
}
