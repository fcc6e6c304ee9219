//! vspc-conformance (bootstrap)
pub mod case;
pub mod check;
pub mod contract;
pub mod diagnostic;
pub mod mock;
pub mod send;
pub mod target;
