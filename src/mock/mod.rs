//! TEMPORARY interface stub while the mock console is built on branch `mock`.
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "mock-admin-password";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation {}

#[derive(Debug, Clone, Default)]
pub struct ThrottleConfig {
    pub max_parallel_per_user: Option<usize>,
    pub per_token_window: Option<(u32, Duration)>,
    pub heavy_service_time: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    pub violation: Option<Violation>,
    pub throttle: ThrottleConfig,
    pub token_lifetime: Duration,
}

#[derive(Debug, thiserror::Error)]
#[error("mock")]
pub struct MockError;

pub struct MockConsole {
    addr: SocketAddr,
    variables: BTreeMap<String, String>,
}

impl MockConsole {
    pub fn start(_config: MockConfig) -> Result<MockConsole, MockError> {
        Err(MockError)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn variables(&self) -> &BTreeMap<String, String> {
        &self.variables
    }
}

impl Violation {
    pub const ALL: &'static [Violation] = &[];
    pub fn parse(_name: &str) -> Option<Violation> {
        None
    }
    pub fn name(self) -> &'static str {
        match self {}
    }
    pub fn check(self) -> crate::check::Check {
        match self {}
    }
    pub fn description(self) -> &'static str {
        match self {}
    }
}

impl MockConsole {
    pub fn bind(_addr: SocketAddr, _config: MockConfig) -> Result<MockConsole, MockError> {
        Err(MockError)
    }
    pub fn wait(self) {}
}
