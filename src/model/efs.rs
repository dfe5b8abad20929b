//! Amazon EFS: file systems created without encryption at rest.

use super::spec::events;
use super::{EventSpec, ResourceKind};

const FILE_SYSTEM: ResourceKind = ResourceKind::new(
    "FileSystem",
    super::Id::Paths(&["fileSystemId", "creationToken"]),
);

pub const EVENTS: &[EventSpec] = events! {
    FILE_SYSTEM: ["CreateFileSystem", "DeleteFileSystem"],
};
