//! vspc-conformance (bootstrap)
pub mod check;
pub mod contract;
pub mod mock;
