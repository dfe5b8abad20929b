//! CloudTrail calls the remediations make.

use super::{ApiError, Aws, classify};

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

impl Aws {
    /// The trail, or None when it does not exist.
    pub async fn cloudtrail_get_trail(&self, name: &str) -> Result<Option<Trail>, ApiError> {
        const CALL: &str = "cloudtrail:GetTrail";
        match self.cloudtrail.get_trail().name(name).send().await {
            Ok(out) => Ok(out.trail().map(|t| Trail {
                name: t.name().unwrap_or(name).to_owned(),
                arn: t.trail_arn().unwrap_or_default().to_owned(),
                log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
                multi_region: t.is_multi_region_trail().unwrap_or(false),
            })),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    /// Whether the trail is logging, or None when it does not exist.
    pub async fn cloudtrail_is_logging(&self, name: &str) -> Result<Option<bool>, ApiError> {
        const CALL: &str = "cloudtrail:GetTrailStatus";
        match self.cloudtrail.get_trail_status().name(name).send().await {
            Ok(out) => Ok(Some(out.is_logging().unwrap_or(false))),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    pub async fn cloudtrail_start_logging(&self, name: &str) -> Result<(), ApiError> {
        self.cloudtrail
            .start_logging()
            .name(name)
            .send()
            .await
            .map_err(|e| classify("cloudtrail:StartLogging", &e))?;
        Ok(())
    }

    pub async fn cloudtrail_update_trail(
        &self,
        name: &str,
        log_file_validation: Option<bool>,
        multi_region: Option<bool>,
    ) -> Result<(), ApiError> {
        let mut call = self.cloudtrail.update_trail().name(name);
        if let Some(v) = log_file_validation {
            call = call.enable_log_file_validation(v);
        }
        if let Some(v) = multi_region {
            call = call.is_multi_region_trail(v);
        }
        call.send()
            .await
            .map_err(|e| classify("cloudtrail:UpdateTrail", &e))?;
        Ok(())
    }

    /// How the trail's selectors record management events, or None when the trail is gone.
    pub async fn cloudtrail_management_events(
        &self,
        name: &str,
    ) -> Result<Option<ManagementEvents>, ApiError> {
        const CALL: &str = "cloudtrail:GetEventSelectors";
        let out = match self
            .cloudtrail
            .get_event_selectors()
            .trail_name(name)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                return match classify(CALL, &e) {
                    err if err.is_not_found() => Ok(None),
                    err => Err(err),
                };
            }
        };
        let basic = out.event_selectors().iter().any(|s| {
            s.include_management_events().unwrap_or(true)
                && !matches!(
                    s.read_write_type(),
                    Some(aws_sdk_cloudtrail::types::ReadWriteType::ReadOnly)
                )
        });
        let advanced_selectors = out.advanced_event_selectors();
        let advanced = advanced_selectors.iter().any(|s| {
            let fields = s.field_selectors();
            let management = fields.iter().any(|f| {
                f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management")
            });
            let read_only = fields
                .iter()
                .any(|f| f.field() == "readOnly" && f.equals().iter().any(|v| v == "true"));
            management && !read_only
        });
        Ok(Some(ManagementEvents {
            advanced: !advanced_selectors.is_empty(),
            writes_recorded: basic || advanced,
        }))
    }

    /// Record all management events (reads and writes), keeping the trail's data-event
    /// selectors: a basic selector for a trail with basic selectors, an advanced one otherwise.
    pub async fn cloudtrail_record_management_events(&self, name: &str) -> Result<(), ApiError> {
        use aws_sdk_cloudtrail::types::{
            AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType,
        };
        let current = self
            .cloudtrail
            .get_event_selectors()
            .trail_name(name)
            .send()
            .await
            .map_err(|e| classify("cloudtrail:GetEventSelectors", &e))?;
        let put = self.cloudtrail.put_event_selectors().trail_name(name);
        let put = if current.advanced_event_selectors().is_empty() {
            let mut selectors = vec![
                EventSelector::builder()
                    .read_write_type(ReadWriteType::All)
                    .include_management_events(true)
                    .build(),
            ];
            for s in current
                .event_selectors()
                .iter()
                .filter(|s| !s.data_resources().is_empty())
            {
                selectors.push(
                    EventSelector::builder()
                        .set_read_write_type(s.read_write_type().cloned())
                        .include_management_events(false)
                        .set_data_resources(Some(s.data_resources().to_vec()))
                        .build(),
                );
            }
            put.set_event_selectors(Some(selectors))
        } else {
            let is_management = |s: &AdvancedEventSelector| {
                s.field_selectors().iter().any(|f| {
                    f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management")
                })
            };
            let mut selectors: Vec<AdvancedEventSelector> = current
                .advanced_event_selectors()
                .iter()
                .filter(|s| !is_management(s))
                .cloned()
                .collect();
            let field = AdvancedFieldSelector::builder()
                .field("eventCategory")
                .equals("Management")
                .build()
                .map_err(|e| {
                    ApiError::new(
                        "cloudtrail:PutEventSelectors",
                        super::ErrorKind::Rejected,
                        e.to_string(),
                    )
                })?;
            let management = AdvancedEventSelector::builder()
                .name("Management events (restored by snapback)")
                .field_selectors(field)
                .build()
                .map_err(|e| {
                    ApiError::new(
                        "cloudtrail:PutEventSelectors",
                        super::ErrorKind::Rejected,
                        e.to_string(),
                    )
                })?;
            selectors.insert(0, management);
            put.set_advanced_event_selectors(Some(selectors))
        };
        put.send()
            .await
            .map_err(|e| classify("cloudtrail:PutEventSelectors", &e))?;
        Ok(())
    }
}
