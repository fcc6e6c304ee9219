//! Fresh identifiers for what the mock creates at run time (tokens, new resources).
//!
//! A splitmix64 sequence seeded from the clock and a process-wide counter: unpredictable enough
//! for a test double, reproducible nowhere (seeded ids live in `state/seed.rs` and are fixed).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// Counts generators made in this process, so two consoles started in the same instant differ.
static GENERATORS: AtomicU64 = AtomicU64::new(0);

pub struct IdGen {
    state: AtomicU64,
}

impl IdGen {
    pub fn new() -> IdGen {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let nth = GENERATORS.fetch_add(1, Ordering::Relaxed);
        IdGen {
            state: AtomicU64::new(mix(nanos ^ nth.wrapping_mul(GOLDEN_GAMMA))),
        }
    }

    pub fn next_u64(&self) -> u64 {
        mix(self
            .state
            .fetch_add(GOLDEN_GAMMA, Ordering::Relaxed)
            .wrapping_add(GOLDEN_GAMMA))
    }

    /// A random (version 4, RFC 4122 variant) UUID in lowercase hyphenated form.
    pub fn uuid(&self) -> String {
        let hi = (self.next_u64() & !0xF000) | 0x4000;
        let lo = (self.next_u64() & !(0b11 << 62)) | (0b10 << 62);
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xFFFF,
            hi & 0xFFFF,
            lo >> 48,
            lo & 0xFFFF_FFFF_FFFF
        )
    }

    /// An opaque bearer or refresh token: 256 random bits as hex.
    pub fn token(&self) -> String {
        (0..4)
            .map(|_| format!("{:016x}", self.next_u64()))
            .collect()
    }
}

/// The splitmix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A UUID in any of the forms ASP.NET's `Guid` binder reads (`D`: hyphenated, `N`: 32 digits,
/// `B`: braces, `P`: parentheses), normalised to lowercase hyphenated; None when it is not one.
pub fn parse_uuid(text: &str) -> Option<String> {
    let inner = match text.as_bytes() {
        [b'{', .., b'}'] | [b'(', .., b')'] => &text[1..text.len() - 1],
        _ => text,
    };
    let digits: String = match inner.len() {
        32 => inner.to_string(),
        36 => {
            let b = inner.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
                return None;
            }
            inner.chars().filter(|&c| c != '-').collect()
        }
        _ => return None,
    };
    if digits.len() != 32 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let d = digits.to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &d[0..8],
        &d[8..12],
        &d[12..16],
        &d[16..20],
        &d[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_uuids_are_version_4_and_parse_back() {
        let ids = IdGen::new();
        let a = ids.uuid();
        let b = ids.uuid();
        assert_ne!(a, b);
        assert_eq!(parse_uuid(&a).as_deref(), Some(a.as_str()));
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(ids.token().len(), 64);
    }

    #[test]
    fn uuids_parse_in_the_forms_aspnet_reads() {
        let d = "5eed0001-0000-4000-8000-000000000001";
        assert_eq!(
            parse_uuid("5EED0001-0000-4000-8000-000000000001").as_deref(),
            Some(d)
        );
        assert_eq!(
            parse_uuid("5eed0001000040008000000000000001").as_deref(),
            Some(d)
        );
        assert_eq!(
            parse_uuid("{5eed0001-0000-4000-8000-000000000001}").as_deref(),
            Some(d)
        );
        assert_eq!(parse_uuid("not-a-uuid"), None);
        assert_eq!(parse_uuid("5eed0001-0000-4000-8000-00000000000g"), None);
        assert_eq!(parse_uuid("5eed0001x0000-4000-8000-000000000001"), None);
        assert_eq!(parse_uuid("é5ed0001-0000-4000-8000-00000000001"), None);
    }
}
