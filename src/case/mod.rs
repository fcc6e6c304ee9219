//! Load: case files (`cases/**/*.toml`) become [`Case`]s, or [`Diagnostic`](crate::diagnostic::Diagnostic)s that point at
//! `file:line:col`.
//!
//! Two layers: the file format ([`file`](mod@file), serde types with spans, from which
//! `schemas/case.schema.json` is generated) and the checked model ([`Case`]), built only from a
//! file that parsed and whose every reference (code, operation, type, regex) resolved.
//!
//! ```text
//!   walk (files, test names) ──▶ file (serde, spans) ──lower──▶ model (Case)
//!                                                      └─sweep─▶ generated Cases
//! ```
//! The walk reads files from the disk or texts compiled into the binary ([`Embedded`]): the
//! built-in cases.
//! [`template`] holds the `{variable}` placeholders cases use and their substitution.

mod cores;
pub mod file;
pub mod inputs;
mod lower;
mod model;
mod sweep;
pub mod template;
pub mod values;
mod walk;

pub use file::Credentials;
use lower::Checker;
pub use lower::parse_cases;
pub(crate) use lower::toml_diagnostic;
pub use model::*;
pub use sweep::{glob_matches, selects, wildcard_matches};
pub use template::{placeholders, substitute, substitute_owned};
pub use values::MISSING_UUID;
pub use walk::{Embedded, Files, Loaded, LoadedFile, load, load_from};
