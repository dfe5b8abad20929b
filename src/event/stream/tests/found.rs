//! Cases the fuzzer found (tests/integration/fail_closed/fuzz_parse.rs), each named after what
//! broke: events lost or read twice after faults of one shape or another.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use super::*;

/// An array whose second element is a run of brackets too deep: the first element, kept as
/// an element, was read a second time from after the array's own `[`.
#[test]
fn an_element_kept_before_a_too_deep_run_is_not_read_twice() {
    let text = format!("[{},\n {}]\n", named("A"), "[".repeat(127));
    assert_resyncs(&text, &["!", "A"]);
}

/// A run of brackets and an event on the same line, too deep together: the event was lost in
/// the error (the fuzzer found it with 117 `[` and a corpus record).
#[test]
fn an_event_on_the_same_line_after_a_run_of_brackets_is_kept() {
    for n in [125, 127, 128, 200] {
        let deep =
            r#"{"eventName":"A","userIdentity":{"sessionContext":{"attributes":{"x":"y"}}}}"#;
        let text = format!("{}{deep}\n{}\n", "[".repeat(n), named("B"));
        assert_resyncs(&text, &["!", "A", "B"]);
    }
}

/// A record cut inside a nested array, then the next records of an array on their own lines:
/// they parsed as elements of the cut record's array, and were lost with it.
#[test]
fn records_on_their_own_lines_after_a_cut_inside_a_nested_array_are_kept() {
    let cut = r#"{"eventName":"X","serviceEventDetails":{"units":[{"id":"ou-1"}"#;
    let text = format!("[{cut},\n {},\n {}]\n", named("A"), named("B"));
    assert_resyncs(&text, &["!", "A", "B"]);
}

/// A line cut inside a string that ends with `:` (`"arn:aws:`): the next line's `{` was taken
/// for the value of a key.
#[test]
fn a_line_cut_inside_a_string_ending_in_a_colon_does_not_hide_the_next_line() {
    let text = format!("{{\"eventName\":\"X\",\"arn\":\"arn:\n{}\n", named("A"));
    assert_resyncs(&text, &["!", "A"]);
}

/// Brackets just short of the depth limit, then an event on its own line whose own nesting
/// crossed the limit: the event was lost in the error.
#[test]
fn an_event_on_its_own_line_after_a_run_of_brackets_is_kept() {
    for n in [100, 124, 127, 128, 200] {
        let deep =
            r#"{"eventName":"A","userIdentity":{"sessionContext":{"attributes":{"x":"y"}}}}"#;
        let text = format!("{}\n{deep}\n", "[".repeat(n));
        assert_resyncs(&text, &["!", "A"]);
    }
}

/// A log file whose first record is cut inside one of its arrays: the records after it, on
/// the same line, parsed as more elements of that array. The cut record came out as an event
/// with its neighbours inside it, and they got no record of their own.
#[test]
fn records_after_a_record_cut_inside_its_array_on_the_same_line_are_kept() {
    let cuts = [
        // Inside `resources`, after a whole element: the cut record closes again.
        r#"{"eventName":"X","resources":[{"ARN":"arn:aws:s3:::b"}"#,
        // Right after the array's `[`.
        r#"{"eventName":"X","resources":["#,
        // Two levels down: the cut record never closes.
        r#"{"eventName":"X","requestParameters":{"items":[{"k":"v"}"#,
    ];
    for cut in cuts {
        let text = format!("{{\"Records\": [{cut}, {}, {}]}}\n", named("A"), named("B"));
        assert_resyncs(&text, &["!", "A", "B"]);
        let text = format!("[{cut}, {}, {}]\n", named("A"), named("B"));
        assert_resyncs(&text, &["!", "A", "B"]);
    }
}

/// The same with EventBridge events, whose `detail` holds the record.
#[test]
fn envelopes_after_an_envelope_cut_inside_its_array_are_kept() {
    let envelope = |name: &str| {
        format!(
            r#"{{"detail-type":"AWS API Call via CloudTrail","resources":[],"detail":{}}}"#,
            named(name)
        )
    };
    let cut = r#"{"detail-type":"AWS API Call via CloudTrail","resources":["arn:aws:s3:::b""#;
    let text = format!("[{cut}, {}, {}]\n", envelope("A"), envelope("B"));
    assert_resyncs(&text, &["!", "A", "B"]);
}

/// Two values cut inside strings, one after the other on one line, the second inside a
/// string that ends with `:`: the event after them was taken for the value of a key.
#[test]
fn an_event_after_a_string_cut_at_a_colon_in_junk_is_kept() {
    let text = format!(
        r#"{{"eventName":"X","a":"b","{{"eventName":"Y","arn":"arn:aws:{}"#,
        named("A")
    ) + "\n";
    assert_resyncs(&text, &["!", "A"]);
}

/// A value cut inside a string, then an EventBridge event cut right after a key, then an
/// event: the event was the value of that key in a value skipped as junk, and was lost.
#[test]
fn an_event_after_two_values_cut_on_one_line_is_kept() {
    let text = format!(
        r#"{{"eventName":"X","a":"{{"detail-type":"x","detail":{{"eventName":"Y","m":{}"#,
        named("A")
    ) + "\n";
    assert_resyncs(&text, &["!", "A"]);
}

/// The same with two events after the cut: the first was the value of the key, the second
/// then a syntax error, and both were lost in the junk.
#[test]
fn events_after_a_value_cut_right_after_a_key_inside_junk_are_kept() {
    let text = format!(
        r#"{{"eventName":"X","a":"{{"detail-type":"x","detail":{{"eventName":"Y","m":{}{}"#,
        named("A"),
        named("B")
    ) + "\n";
    assert_resyncs(&text, &["!", "A", "B"]);
}

/// A bad escape inside a record of an array (`"\[{"`): reading resumed at the `[`, whose
/// value held the rest of the broken record and then the next records, and all of them were
/// dropped with the broken one.
#[test]
fn records_in_a_fragment_after_a_bad_escape_are_kept() {
    let text = format!(
        "[{{\"eventName\":\"X\",\"\\[{{\"a\":\"b\"}},\n {},\n {}]\n",
        named("A"),
        named("B")
    );
    assert_resyncs(&text, &["!", "A", "B"]);
}
