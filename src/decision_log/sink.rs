//! Where decision records go. The pipeline hands every record, once, to a [`DecisionSink`]:
//! JSON Lines on stdout, the table, the hash-chained log ([`super::LogWriter`]), the Lambda's
//! log lines and metrics, or a `Vec` in tests. Sinks compose (a pair writes to both, in order),
//! and a record is serialised at most once: the first sink that needs its JSON line keeps it
//! in the [`Entry`] for the next.

use std::io::Write;

use super::DecisionRecord;
use super::chain::LogError;

/// One record on its way out, with what the sinks share about it.
#[derive(Debug)]
pub struct Entry {
    pub record: DecisionRecord,
    /// How many circuit breakers opened while the event was handled (an EMF metric).
    pub breakers_opened: u64,
    /// The record as one JSON line (no newline), once a sink has made it.
    line: Option<Vec<u8>>,
}

impl Entry {
    pub fn new(record: DecisionRecord) -> Self {
        Self {
            record,
            breakers_opened: 0,
            line: None,
        }
    }

    /// An entry whose JSON line was made already (a scan worker makes it, off the writer's
    /// thread); `line` must be the serialised `record`.
    pub fn with_line(record: DecisionRecord, line: Vec<u8>) -> Self {
        Self {
            record,
            breakers_opened: 0,
            line: Some(line),
        }
    }

    /// The record, to change: any JSON line made before is dropped.
    pub fn record_mut(&mut self) -> &mut DecisionRecord {
        self.line = None;
        &mut self.record
    }

    /// Keep `line` as the record's JSON (what the hash chain wrote).
    pub fn set_line(&mut self, line: Vec<u8>) {
        self.line = Some(line);
    }

    /// The JSON line made before, if any.
    pub fn line(&self) -> Option<&[u8]> {
        self.line.as_deref()
    }

    /// The record's JSON line, made now if no sink made it before.
    pub fn json(&mut self) -> &[u8] {
        let record = &self.record;
        self.line
            .get_or_insert_with(|| serde_json::to_vec(record).unwrap_or_default())
    }

    /// Write the record's JSON line and a newline to `out`, serialising straight into it when
    /// no line was made before.
    pub fn write_json(&self, out: &mut impl Write) -> std::io::Result<()> {
        match &self.line {
            Some(line) => out.write_all(line)?,
            None => {
                serde_json::to_writer(&mut *out, &self.record).map_err(std::io::Error::other)?
            }
        }
        out.write_all(b"\n")
    }
}

/// Why a sink could not take a record.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The decision log could not be appended to.
    #[error(transparent)]
    Log(#[from] LogError),
    /// The output went away (a closed pipe): later records are not written to it.
    #[error("cannot write the output: {0}")]
    Output(#[source] std::io::Error),
}

/// Takes each decision record the pipeline makes, in order.
pub trait DecisionSink {
    /// Take one record. A sink may change it (the hash chain sets its position and hash)
    /// before the sinks after it see it.
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError>;

    /// Push out what is buffered.
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}

impl<S: DecisionSink + ?Sized> DecisionSink for &mut S {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        (**self).write(entry)
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        (**self).flush()
    }
}

impl<S: DecisionSink + ?Sized> DecisionSink for Box<S> {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        (**self).write(entry)
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        (**self).flush()
    }
}

/// No sink: nothing written.
impl<S: DecisionSink> DecisionSink for Option<S> {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        self.as_mut().map_or(Ok(()), |s| s.write(entry))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.as_mut().map_or(Ok(()), DecisionSink::flush)
    }
}

/// Both sinks, the first before the second; the second is written even when the first
/// fails, and the first error is returned.
impl<A: DecisionSink, B: DecisionSink> DecisionSink for (A, B) {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        let first = self.0.write(entry);
        let second = self.1.write(entry);
        first.and(second)
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        let first = self.0.flush();
        first.and(self.1.flush())
    }
}

/// Records kept in memory, for tests and for callers that look at them afterwards.
impl DecisionSink for Vec<DecisionRecord> {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        self.push(entry.record.clone());
        Ok(())
    }
}

/// A writer of one line per record that goes quiet once it fails (a closed pipe): nothing
/// more is written to it and later records are dropped silently; the failure is returned
/// once. With `flush_each`, every record is pushed out at once (someone is reading a stream
/// as it comes). The JSON Lines sink and the table's rows both write through it.
#[derive(Debug)]
pub struct LineOutput<W: Write> {
    out: W,
    flush_each: bool,
    gone: bool,
}

impl<W: Write> LineOutput<W> {
    pub fn new(out: W, flush_each: bool) -> Self {
        Self {
            out,
            flush_each,
            gone: false,
        }
    }

    /// Whether the writer failed.
    pub fn gone(&self) -> bool {
        self.gone
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    /// Write one record's line with `line`, unless the writer already failed.
    pub fn put(
        &mut self,
        line: impl FnOnce(&mut W) -> std::io::Result<()>,
    ) -> Result<(), SinkError> {
        if self.gone {
            return Ok(());
        }
        let mut written = line(&mut self.out);
        if self.flush_each {
            written = written.and_then(|()| self.out.flush());
        }
        written.map_err(|err| {
            self.gone = true;
            SinkError::Output(err)
        })
    }

    pub fn flush(&mut self) -> Result<(), SinkError> {
        if self.gone {
            return Ok(());
        }
        self.out.flush().map_err(|err| {
            self.gone = true;
            SinkError::Output(err)
        })
    }
}

/// One JSON record per line, buffered, through a [`LineOutput`].
#[derive(Debug)]
pub struct JsonLines<W: Write>(LineOutput<W>);

impl<W: Write> JsonLines<W> {
    /// `flush_each`: push every record out at once (someone is reading a stream as it comes).
    pub fn new(out: W, flush_each: bool) -> Self {
        Self(LineOutput::new(out, flush_each))
    }

    /// Whether the writer failed.
    pub fn gone(&self) -> bool {
        self.0.gone()
    }

    pub fn into_inner(self) -> W {
        self.0.into_inner()
    }
}

impl<W: Write> DecisionSink for JsonLines<W> {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        self.0.put(|out| entry.write_json(out))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.0.flush()
    }
}

/// The hash-chained decision log: each record gets its stream, seq and hashes, is appended,
/// and the line written is kept for the sinks after this one.
impl DecisionSink for super::LogWriter {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        let line = self.append(entry.record_mut())?;
        entry.set_line(line);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> DecisionRecord {
        let err = crate::event::EventError {
            origin: crate::event::Origin {
                source: "test".into(),
                position: crate::event::Position::default(),
            },
            message: "not json".to_owned(),
            raw: None,
        };
        super::super::Recorder::new("set", super::super::Redactor::default())
            .unreadable(&err, std::time::SystemTime::now())
    }

    #[test]
    fn json_lines_are_the_record_serialised_once_per_line() {
        let mut entry = Entry::new(record());
        let mut sink = JsonLines::new(Vec::new(), false);
        assert!(sink.write(&mut entry).is_ok());
        assert!(sink.write(&mut entry).is_ok());
        let text = String::from_utf8(sink.into_inner()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let expected = serde_json::to_string(&entry.record).unwrap_or_default();
        assert_eq!(lines, [expected.as_str(), expected.as_str()]);
    }
}
