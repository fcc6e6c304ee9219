//! Shards of a run, as cargo-nextest's `--partition` means them, so a long run against staging
//! can be split over N CI jobs and the JSON reports merged (`vspc-conformance merge`):
//!
//! - `count:K/N`: the selected cases sorted by test name, every N-th from the K-th (1-based).
//!   Shards differ in size by at most one.
//! - `hash:K/N`: the cases whose test name hashes (64-bit FNV-1a) to K-1 modulo N. A case
//!   stays in its shard when others are added or removed.
//!
//! Both depend on the test names only, so every job computes the same split. The shards of one
//! N are disjoint and together hold every selected case.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Count,
    Hash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub scheme: Scheme,
    /// 1-based.
    pub shard: u64,
    pub total: u64,
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Partition, String> {
        let expected = || format!("`{text}`: expected count:K/N or hash:K/N with 1 <= K <= N");
        let (scheme, rest) = text.split_once(':').ok_or_else(expected)?;
        let scheme = match scheme {
            "count" => Scheme::Count,
            "hash" => Scheme::Hash,
            _ => return Err(expected()),
        };
        let (k, n) = rest.split_once('/').ok_or_else(expected)?;
        let shard: u64 = k.trim().parse().map_err(|_| expected())?;
        let total: u64 = n.trim().parse().map_err(|_| expected())?;
        if shard == 0 || total == 0 || shard > total {
            return Err(expected());
        }
        Ok(Partition {
            scheme,
            shard,
            total,
        })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Count => "count",
            Scheme::Hash => "hash",
        };
        write!(f, "{scheme}:{}/{}", self.shard, self.total)
    }
}

/// 64-bit FNV-1a: small, stable across platforms and releases (unlike std's hasher).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

impl Partition {
    /// The items of this shard, in their original order; `name` gives an item's test name.
    pub fn retain<T>(&self, items: Vec<T>, name: impl Fn(&T) -> &str) -> Vec<T> {
        let keep: Vec<bool> = match self.scheme {
            Scheme::Hash => items
                .iter()
                .map(|item| fnv1a(name(item).as_bytes()) % self.total == self.shard - 1)
                .collect(),
            Scheme::Count => {
                let mut order: Vec<usize> = (0..items.len()).collect();
                order.sort_by(|a, b| name(&items[*a]).cmp(name(&items[*b])));
                let mut keep = vec![false; items.len()];
                for (rank, index) in order.into_iter().enumerate() {
                    keep[index] = rank as u64 % self.total == self.shard - 1;
                }
                keep
            }
        };
        items
            .into_iter()
            .zip(keep)
            .filter_map(|(item, keep)| keep.then_some(item))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("area{}::case_{i}", i % 7)).collect()
    }

    #[test]
    fn parses_and_prints_both_schemes() {
        for text in ["count:1/3", "hash:3/3"] {
            assert_eq!(text.parse::<Partition>().unwrap().to_string(), text);
        }
        for bad in [
            "count:0/3",
            "count:4/3",
            "count:1/0",
            "slice:1/2",
            "count:1",
            "hash:a/b",
        ] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_are_disjoint_and_cover_every_item() {
        let all = names(101);
        for scheme in ["count", "hash"] {
            let mut seen: Vec<String> = Vec::new();
            for k in 1..=4 {
                let p: Partition = format!("{scheme}:{k}/4").parse().unwrap();
                let shard = p.retain(all.clone(), |s| s.as_str());
                if scheme == "count" {
                    assert!(shard.len() == 25 || shard.len() == 26, "{}", shard.len());
                }
                seen.extend(shard);
            }
            seen.sort();
            let mut expected = all.clone();
            expected.sort();
            assert_eq!(seen, expected, "{scheme}");
        }
    }

    #[test]
    fn count_assigns_by_sorted_name_and_keeps_order() {
        let items = vec!["c", "a", "d", "b"];
        let p: Partition = "count:1/2".parse().unwrap();
        // Sorted: a(1) b(2) c(1) d(2); kept in the original order.
        assert_eq!(p.retain(items, |s| s), vec!["c", "a"]);
    }
}
