//! Failing closed: what
//! cannot be read in full is an error, never a pass, and every event in gets one record out;
//! secrets never reach a record, the log or `explain`. Fuzzing harnesses seeded from the shared
//! corpus run here for a bounded number of cases, with their regressions kept beside them.

mod fuzz_model;
mod fuzz_parse;
mod input;
mod model;
mod planted;
mod redaction;
