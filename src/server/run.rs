//! The server's lifecycle: serve on a listener until told to stop, then drain; reload on
//! triggers. In the library so that tests drive shutdown, drain and reload in-process; the
//! CLI only binds the address and turns OS signals into the futures and channels used here.

use super::reload::{reload, watch_files};
use super::{app_with, AppState, ServerConfig};
use std::fmt::Display;
use std::future::Future;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How [`run`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drain {
    /// Every in-flight request finished within the drain timeout.
    Complete,
    /// The drain timeout passed with requests still open; they were left behind.
    TimedOut,
}

/// Serves the API on `listener` until `shutdown` completes, then drains: `/readyz` answers
/// 503, the listener closes (new connections are refused), in-flight requests finish, and
/// after `config.drain_timeout` this returns anyway (a stuck client must not block a deploy).
/// With `config.watch`, a change of the data files reloads the data (see [`watch_files`]).
///
/// Requests still running when this returns on [`Drain::TimedOut`] stay on the runtime's
/// tasks; the caller decides how long to give them (the CLI shuts the runtime down).
pub async fn run<F>(
    listener: TcpListener,
    state: AppState,
    config: ServerConfig,
    shutdown: F,
) -> std::io::Result<Drain>
where
    F: Future<Output = ()> + Send + 'static,
{
    tracing::info!("listening on http://{}", listener.local_addr()?);
    let watcher = config.watch.filter(|w| !w.is_zero()).map(|every| {
        tracing::info!(
            every_secs = every.as_secs(),
            "watching the data files for changes"
        );
        tokio::spawn(watch_files(state.clone(), every))
    });
    let router = app_with(state.clone(), &config);
    let drain = config.drain_timeout;
    let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!(
            drain_secs = drain.as_secs(),
            "shutting down: finishing in-flight requests"
        );
        state.start_draining();
        let _ = stopping_tx.send(true);
    });
    let deadline = async move {
        // Only starts counting once shutdown has begun.
        if stopping_rx.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(drain).await;
    };
    let outcome = tokio::select! {
        r = server => {
            r?;
            tracing::info!("all requests finished; bye");
            Drain::Complete
        }
        _ = deadline => {
            tracing::warn!(
                drain_secs = drain.as_secs(),
                "drain deadline passed; exiting with requests still open"
            );
            Drain::TimedOut
        }
    };
    if let Some(w) = watcher {
        w.abort();
    }
    Ok(outcome)
}

/// Reloads the data (see [`reload`]) once per message on `triggers`, in order, until every
/// sender is dropped. Each trigger is logged as `"{trigger}: reloading the data"`; the
/// outcome is logged and shown in `/readyz` by the reloader itself, and a failed reload keeps
/// the old data. The CLI sends `"SIGHUP"` on each hang-up signal; tests send their own.
pub fn reload_on<T>(state: AppState, mut triggers: mpsc::Receiver<T>) -> JoinHandle<()>
where
    T: Display + Send + 'static,
{
    tokio::spawn(async move {
        while let Some(t) = triggers.recv().await {
            tracing::info!("{t}: reloading the data");
            let _ = reload(&state).await;
        }
    })
}
