//! Work shared out over the cores: loading is the one step before the first request, and its
//! big parts (the base requests, the plan of breaks, a file's sweep rules) are made of items
//! that depend on nothing but themselves.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `make(state, i)` for every `i` in `0..len`, in index order, made on one thread per core. Each
/// thread takes the next index when it is done with one, so items of uneven cost still keep
/// every core busy; `state` is each thread's own (a cache, say). The items of a thread that
/// panicked are made again on the caller's thread, where a defect panics for good.
pub(crate) fn across_cores<S, T: Send>(
    len: usize,
    state: impl Fn() -> S + Sync,
    make: impl Fn(&mut S, usize) -> T + Sync,
) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(len);
    if threads <= 1 {
        let mut own = state();
        return (0..len).map(|i| make(&mut own, i)).collect();
    }
    let next = AtomicUsize::new(0);
    let take = || {
        let mut own = state();
        let mut made = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= len {
                return made;
            }
            made.push((i, make(&mut own, i)));
        }
    };
    let mut made: Vec<Option<T>> = std::iter::repeat_with(|| None).take(len).collect();
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..threads).map(|_| scope.spawn(take)).collect();
        for thread in threads {
            for (i, item) in thread.join().unwrap_or_default() {
                made[i] = Some(item);
            }
        }
    });
    let mut own = state();
    made.into_iter()
        .enumerate()
        .map(|(i, item)| item.unwrap_or_else(|| make(&mut own, i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_made_once_and_returned_in_index_order() {
        let made = across_cores(
            1000,
            || 0usize,
            |count, i| {
                *count += 1;
                i * 2
            },
        );
        assert_eq!(made, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        assert!(across_cores(0, || (), |_, i| i).is_empty());
    }

    #[test]
    fn items_a_panicking_thread_dropped_are_made_again() {
        let first = AtomicUsize::new(0);
        let made = across_cores(
            64,
            || (),
            |_, i| {
                // The first attempt at item 7 fails, on whichever thread takes it.
                if i == 7 && first.fetch_add(1, Ordering::Relaxed) == 0 {
                    panic!("a defect in one item");
                }
                i
            },
        );
        assert_eq!(made, (0..64).collect::<Vec<_>>());
    }
}
