//! snapback
