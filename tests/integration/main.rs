//! Every integration test but the policy cases (`rules-tests/`) and the remediations against
//! moto (`tests/remediations/`), as one test binary: each test binary links the whole SDK, so
//! one binary instead of fourteen saves most of a fresh build's link time.
//!
//! Run one suite with a filter: `cargo test --test integration decision_log::`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

#[path = "../remediations/common.rs"]
mod common;

mod audit_query;
mod backstop;
mod cli;
mod corpus;
mod coverage;
mod decision_log;
mod deploy;
mod engine;
mod fail_closed;
mod faults;
mod lambda;
mod lambda_runtime;
mod layering;
#[cfg(feature = "prove")]
mod prove;
mod reactor;
mod remediation_registry;
mod scan;
mod schema_model;
mod slo;
mod state;
