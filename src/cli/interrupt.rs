//! Hearing SIGINT and SIGTERM during `run`. The first asks the runner to stop: the cases in
//! flight finish, no other is sent, and every report is written with the cases that finished.
//! A second ends the process at once, with the same exit status and no report.
//!
//! The signals are heard on a thread of their own: the runner's event loop is busy while it
//! writes the reports, and a second signal must be heard then too.

use vspc_conformance::stop::{Signal, Stop};

/// Starts hearing the signals for `stop`. From here on a signal no longer ends the process by
/// itself; when this fails, it still does, and the run goes on.
pub fn listen(stop: Stop) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    // Registered before the run starts, so that no signal falls between here and the thread.
    let signals = {
        let _context = runtime.enter();
        Signals::register()?
    };
    std::thread::Builder::new()
        .name("vspc-signals".into())
        .spawn(move || runtime.block_on(hear(signals, stop)))?;
    Ok(())
}

async fn hear(mut signals: Signals, stop: Stop) {
    let first = signals.next().await;
    stop.request(first);
    eprintln!(
        "{first}: finishing the cases in flight, then writing the reports (exit {}); a second signal stops at once",
        first.exit_status()
    );
    let second = signals.next().await;
    eprintln!("{second}: stopped at once, no report written");
    std::process::exit(second.exit_status().into());
}

#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn register() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn next(&mut self) -> Signal {
        tokio::select! {
            _ = self.interrupt.recv() => Signal::Interrupt,
            _ = self.terminate.recv() => Signal::Terminate,
        }
    }
}

/// Elsewhere only Ctrl-C, which is SIGINT's part.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn register() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Signal {
        let _ = tokio::signal::ctrl_c().await;
        Signal::Interrupt
    }
}
