//! CloudTrail calls the remediations make: a trail's settings, its logging, its event selectors.

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType,
};

use super::error::{found, sent};
use super::{ApiError, ErrorKind, capability};

/// The settings of a trail a remediation reads and restores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub log_file_validation: bool,
    pub multi_region: bool,
}

/// Management-event recording as a trail's event selectors set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagementEvents {
    pub advanced: bool,
    pub writes_recorded: bool,
}

/// A trail's event selectors as read, kept whole so that they can be written back with
/// management events restored.
#[derive(Debug, Clone)]
pub struct EventSelectors {
    pub management: ManagementEvents,
    basic: Vec<EventSelector>,
    advanced: Vec<AdvancedEventSelector>,
}

fn is_management(s: &AdvancedEventSelector) -> bool {
    s.field_selectors()
        .iter()
        .any(|f| f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management"))
}

impl EventSelectors {
    fn new(basic: Vec<EventSelector>, advanced: Vec<AdvancedEventSelector>) -> Self {
        let basic_writes = basic.iter().any(|s| {
            s.include_management_events().unwrap_or(true)
                && !matches!(s.read_write_type(), Some(ReadWriteType::ReadOnly))
        });
        let advanced_writes = advanced.iter().any(|s| {
            let read_only = s
                .field_selectors()
                .iter()
                .any(|f| f.field() == "readOnly" && f.equals().iter().any(|v| v == "true"));
            is_management(s) && !read_only
        });
        let management = ManagementEvents {
            advanced: !advanced.is_empty(),
            writes_recorded: basic_writes || advanced_writes,
        };
        Self {
            management,
            basic,
            advanced,
        }
    }

    /// The basic selectors that record all management events and keep the data selectors.
    fn restored_basic(&self) -> Vec<EventSelector> {
        let all = EventSelector::builder()
            .read_write_type(ReadWriteType::All)
            .include_management_events(true)
            .build();
        let data = self.basic.iter().filter(|s| !s.data_resources().is_empty());
        std::iter::once(all)
            .chain(data.map(|s| {
                EventSelector::builder()
                    .set_read_write_type(s.read_write_type().cloned())
                    .include_management_events(false)
                    .set_data_resources(Some(s.data_resources().to_vec()))
                    .build()
            }))
            .collect()
    }

    /// The advanced selectors with one for all management events in place of the old ones.
    fn restored_advanced(&self, call: &str) -> Result<Vec<AdvancedEventSelector>, ApiError> {
        let rejected = |e: aws_smithy_types::error::operation::BuildError| {
            ApiError::new(call, ErrorKind::Rejected, e.to_string())
        };
        let field = AdvancedFieldSelector::builder()
            .field("eventCategory")
            .equals("Management")
            .build()
            .map_err(rejected)?;
        let management = AdvancedEventSelector::builder()
            .name("Management events (restored by snapback)")
            .field_selectors(field)
            .build()
            .map_err(rejected)?;
        let kept = self.advanced.iter().filter(|s| !is_management(s)).cloned();
        Ok(std::iter::once(management).chain(kept).collect())
    }
}

capability! {
    /// The CloudTrail calls of the trail remediations.
    pub trait CloudTrailOps(cloudtrail) for aws_sdk_cloudtrail::Client {
        /// The trail, or None when it does not exist.
        fn trail<'a>(&'a self, name: &'a str) -> Option<Trail> = "cloudtrail:GetTrail", |call| {
            let out = found(call, self.get_trail().name(name).send().await, &[])?;
            Ok(out.as_ref().and_then(|o| o.trail()).map(|t| Trail {
                name: t.name().unwrap_or(name).to_owned(),
                arn: t.trail_arn().unwrap_or_default().to_owned(),
                log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
                multi_region: t.is_multi_region_trail().unwrap_or(false),
            }))
        }

        /// Whether the trail is logging, or None when it does not exist.
        fn is_logging<'a>(&'a self, name: &'a str) -> Option<bool> = "cloudtrail:GetTrailStatus", |call| {
            let out = found(call, self.get_trail_status().name(name).send().await, &[])?;
            Ok(out.map(|o| o.is_logging().unwrap_or(false)))
        }

        /// Start logging on the trail.
        fn start_trail<'a>(&'a self, name: &'a str) -> () = "cloudtrail:StartLogging", |call| {
            sent(call, self.start_logging().name(name).send().await).map(drop)
        }

        /// Set the trail's log file validation and multi-region flags; None leaves one as is.
        fn set_trail_flags<'a>(&'a self, name: &'a str, log_file_validation: Option<bool>, multi_region: Option<bool>)
            -> () = "cloudtrail:UpdateTrail", |call| {
            let update = self
                .update_trail()
                .name(name)
                .set_enable_log_file_validation(log_file_validation)
                .set_is_multi_region_trail(multi_region);
            sent(call, update.send().await).map(drop)
        }

        /// The trail's event selectors, or None when the trail does not exist.
        fn event_selectors<'a>(&'a self, name: &'a str) -> Option<EventSelectors>
            = "cloudtrail:GetEventSelectors", |call| {
            let out = found(call, self.get_event_selectors().trail_name(name).send().await, &[])?;
            Ok(out.map(|o| {
                EventSelectors::new(
                    o.event_selectors().to_vec(),
                    o.advanced_event_selectors().to_vec(),
                )
            }))
        }

        /// Record all management events (reads and writes), keeping the trail's data-event
        /// selectors: a basic selector for a trail with basic selectors (`current`), an
        /// advanced one otherwise.
        fn record_management_events<'a>(&'a self, name: &'a str, current: &'a EventSelectors)
            -> () = "cloudtrail:PutEventSelectors", |call| {
            let put = self.put_event_selectors().trail_name(name);
            let put = if current.advanced.is_empty() {
                put.set_event_selectors(Some(current.restored_basic()))
            } else {
                put.set_advanced_event_selectors(Some(current.restored_advanced(call)?))
            };
            sent(call, put.send().await).map(drop)
        }
    }
}
