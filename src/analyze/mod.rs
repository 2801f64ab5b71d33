//! The passage-level analyses: repeats inside a document, overlaps across documents, boilerplate.

pub mod boilerplate;
pub mod overlap;
pub mod repeats;
