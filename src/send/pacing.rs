//! Pacing: `--rps` as evenly spaced slots that every request to the target takes, and the
//! bounded retry of a 429 the case did not ask for.

use super::*;

/// Spaces requests evenly at a fixed rate: each takes the next free slot, one interval after the
/// last. Even spacing keeps any window of a second under the rate, whatever the console's window.
pub(super) struct Pace {
    pub(super) interval: Duration,
    /// A plain mutex: it is held for a few instructions and never across an await, and the
    /// run's event loops on other threads take slots too, so a waiter should spin, not park.
    pub(super) next: std::sync::Mutex<Instant>,
}

impl Pace {
    pub(super) async fn wait(&self) {
        let (slot, now) = {
            // A poisoned lock still holds a valid instant: the slot arithmetic cannot panic.
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            (slot, now)
        };
        // A slot that is already due is taken at once: tokio's timer rounds every deadline up
        // to its next millisecond tick, so sleeping until `now` would still wait up to 1 ms.
        if slot > now {
            tokio::time::sleep_until(slot.into()).await;
        }
    }
}

impl Sender {
    /// Sends once; a 429 the case did not expect is the target pacing us, not an answer: wait
    /// the `retryAfter` it gives (bounded) and send again, a bounded number of times.
    pub(super) async fn execute_paced(
        &self,
        connection: &mut Connection,
        prepared: &Prepared,
        wanted: u16,
    ) -> Result<Exchange, TransportError> {
        let mut retries = 0;
        loop {
            let mut exchange = self.execute(connection, prepared).await?;
            if exchange.status != 429 || wanted == 429 || retries == MAX_THROTTLED_RETRIES {
                exchange.throttled_retries = retries;
                return Ok(exchange);
            }
            retries += 1;
            tokio::time::sleep(retry_after(&exchange.body)).await;
        }
    }

    /// Waits for the next pacing slot (at once without `--rps`). Every request to the target
    /// takes one: cases, polls, retries, logins, renewals and discovery.
    pub async fn wait_turn(&self) {
        if let Some(pace) = &self.pace {
            pace.wait().await;
        }
    }

    /// Sends once, in the next pacing slot.
    pub(super) async fn execute(
        &self,
        connection: &mut Connection,
        prepared: &Prepared,
    ) -> Result<Exchange, TransportError> {
        self.wait_turn().await;
        self.execute_now(connection, prepared).await
    }
}

pub(super) const MAX_THROTTLED_RETRIES: u32 = 3;
pub(super) const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

/// How long a 429 asks us to wait: its `retryAfter` in seconds, at least 1 s, at most 10 s.
pub(super) fn retry_after(body: &[u8]) -> Duration {
    let seconds = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|b| b.get("errors")?.get(0)?.get("retryAfter")?.as_u64())
        .unwrap_or(1)
        .max(1);
    Duration::from_secs(seconds).min(MAX_RETRY_WAIT)
}
