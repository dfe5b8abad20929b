//! What a policy reads: the tag keys and attribute names its JSON form (EST) names, so that
//! the model flattens and the engine converts only those.

use crate::model::Fields;

/// What one policy reads, from its JSON form (EST).
#[derive(Debug)]
pub(super) struct Reads {
    /// Tag keys read with `getTag`/`hasTag`; All when a key is computed.
    pub(super) tags: Fields,
    /// Attribute names read with `.name`, `["name"]` or `has name`; All when `context` is
    /// used as a value of its own.
    pub(super) attrs: Fields,
}

impl Reads {
    pub(super) fn all() -> Self {
        Self {
            tags: Fields::All,
            attrs: Fields::All,
        }
    }

    pub(super) fn of(est: &serde_json::Value) -> Self {
        let mut reads = Self {
            tags: Fields::none(),
            attrs: Fields::none(),
        };
        reads.walk(est);
        reads
    }

    fn walk(&mut self, value: &serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("Var").and_then(serde_json::Value::as_str) == Some("context") {
                    // `context` itself, not one of its attributes: every one may matter.
                    self.attrs = Fields::All;
                }
                for (key, inner) in map {
                    match key.as_str() {
                        "getTag" | "hasTag" => {
                            let literal = inner
                                .get("right")
                                .and_then(|r| r.get("Value"))
                                .and_then(serde_json::Value::as_str);
                            match literal {
                                Some(k) => self.tags.merge(&Fields::Only([k.to_owned()].into())),
                                None => self.tags = Fields::All,
                            }
                        }
                        "." | "has" => {
                            if let Some(attr) =
                                inner.get("attr").and_then(serde_json::Value::as_str)
                            {
                                self.attrs.merge(&Fields::Only([attr.to_owned()].into()));
                                // `context.name`: the attribute is read, not `context` whole.
                                if let Some(left) = inner.get("left")
                                    && left.get("Var").and_then(serde_json::Value::as_str)
                                        != Some("context")
                                {
                                    self.walk(left);
                                }
                                continue;
                            }
                        }
                        _ => {}
                    }
                    self.walk(inner);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| self.walk(v)),
            _ => {}
        }
    }
}
