//! Where a malformed field is: a [`Path`] into the event built on the stack, rendered only when
//! something is reported, and the [`Item`]s of a list however the event writes it.

use serde_json::Value as Json;

#[derive(Debug, Clone, Copy)]
pub(super) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
    /// `items.N`, EC2's list wrapper.
    Items(usize),
    /// The parent itself (a single object written where a list is expected).
    Same,
}

/// A path into the event, on the stack: `Path::root("requestParameters").key("bucketPolicy")`.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

impl<'a> Path<'a> {
    pub const fn root(name: &'a str) -> Self {
        Self {
            parent: None,
            seg: Seg::Key(name),
        }
    }

    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    /// The `i`th element of the list at this path.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Index(i),
        }
    }

    /// The path as text, segments joined by `.`: `requestParameters.ipPermissions.items.0`.
    pub fn render(&self) -> String {
        let mut segs = Vec::new();
        let mut at = Some(self);
        while let Some(p) = at {
            segs.push(p.seg);
            at = p.parent;
        }
        let mut out = String::new();
        for seg in segs.into_iter().rev() {
            let text = match seg {
                Seg::Key(k) => k.to_owned(),
                Seg::Index(i) => i.to_string(),
                Seg::Items(i) => format!("items.{i}"),
                Seg::Same => continue,
            };
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&text);
        }
        out
    }
}

/// One element of a list however it is written (see [`Report::items`]), with its place.
#[derive(Debug, Clone, Copy)]
pub struct Item<'v> {
    pub value: &'v Json,
    pub(super) seg: Seg<'static>,
}

impl<'v> Item<'v> {
    /// Each element of `list`, at the segment `seg` makes of its index.
    pub(super) fn each(list: &'v [Json], seg: fn(usize) -> Seg<'static>) -> Vec<Self> {
        list.iter()
            .enumerate()
            .map(|(i, value)| Item { value, seg: seg(i) })
            .collect()
    }
}

impl Item<'_> {
    /// The element's path below the list's path.
    pub fn path<'a>(&self, list: &'a Path<'a>) -> Path<'a> {
        Path {
            parent: Some(list),
            seg: self.seg,
        }
    }
}
