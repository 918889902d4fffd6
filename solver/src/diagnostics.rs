//! Errors about input, each naming the record and the field that was wrong.

use std::fmt;

/// One problem found in an input: `visits[17] "V-1042": time_windows[0]: window ends (08:00)
/// before it starts (10:00)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The record: `visits[17] "V-1042"`, `horizon`, or `file` for the whole input.
    pub record: String,
    /// The field inside the record (`time_windows[0].end`); empty when the record as a whole.
    pub field: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.record, self.message)
        } else {
            write!(f, "{}: {}: {}", self.record, self.field, self.message)
        }
    }
}

/// Every problem found in one input, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, record: impl Into<String>, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Diagnostic { record: record.into(), field: field.into(), message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was found.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The label of a record in messages: `visits[17] "V-1042"`, or `visits[17]` without an id.
pub fn record_label(section: &str, index: usize, id: Option<&str>) -> String {
    match id {
        Some(id) if !id.is_empty() => format!("{section}[{index}] {id:?}"),
        _ => format!("{section}[{index}]"),
    }
}
