//! Bursts: copies of one request sent at once (for throttling cases), each on a connection of
//! its own, taking one pacing slot as a whole, summarized by status; the copy kept is the first answered with the wanted status.

use super::*;

impl Sender {
    /// Sends `copies` of the request at once; the exchange kept carries the burst's summary.
    pub(super) async fn burst(
        &self,
        prepared: &Prepared,
        copies: u32,
        wanted: u16,
    ) -> Result<Exchange, SendError> {
        // A burst is simultaneous by design: it takes one pacing slot as a whole.
        self.wait_turn().await;
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..copies {
            let sender = self.clone();
            let prepared = prepared.clone();
            set.spawn(async move {
                sender
                    .execute_now(&mut Connection::default(), &prepared)
                    .await
            });
        }
        let mut summary = BurstSummary {
            sent: copies,
            ..BurstSummary::default()
        };
        let mut chosen: Option<Exchange> = None;
        let mut last_error = None;
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(Ok(exchange)) => {
                    *summary.statuses.entry(exchange.status).or_default() += 1;
                    let better = match &chosen {
                        None => true,
                        Some(c) => c.status != wanted && exchange.status == wanted,
                    };
                    if better {
                        chosen = Some(exchange);
                    }
                }
                Ok(Err(e)) => {
                    summary.transport_errors += 1;
                    last_error = Some(e);
                }
                Err(e) => {
                    summary.transport_errors += 1;
                    last_error = Some(TransportError::Other(e.to_string()));
                }
            }
        }
        match chosen {
            Some(mut exchange) => {
                exchange.burst = Some(Box::new(summary));
                Ok(exchange)
            }
            None => Err(SendError::Transport(
                last_error.unwrap_or(TransportError::Other("burst sent nothing".into())),
            )),
        }
    }
}
