//! `carecover serve`: load the data, bind the address, and hand over to [`server::run`];
//! the OS signals (SIGTERM/ctrl-c to stop, SIGHUP to reload) are wired here.

use super::{CliError, Data};
use crate::app::Snapshot;
use crate::data::DataFiles;
use crate::server::{
    self, AdminToken, AppState, CorsOrigins, DataSource, FrameAncestors, Limits, ServerConfig,
    WebFiles,
};
use clap::builder::TypedValueParser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

// No doc comment here: the subcommand's help is the `Serve` variant's.
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "CARECOVER_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Requests served at once on the public routes; beyond, 503 with Retry-After: 1.
    #[arg(long, default_value_t = Limits::default().max_concurrency, value_parser = clap::value_parser!(u32).range(1..=100_000).map(|n| n as usize))]
    max_concurrency: usize,
    /// Longest a public request may run, seconds (then 503).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    request_timeout: u64,
    /// Origins allowed to read tiles and the GET API from a browser: `*` (default), `none`,
    /// or a comma list like https://map.example.jp. Admin routes never allow CORS.
    #[arg(long, value_name = "ORIGINS")]
    cors_origin: Vec<String>,
    /// Other sites whose pages may show the map in an <iframe> (hospital intranets): a
    /// comma list of origins like https://intra.example.jp. Default: this server only.
    #[arg(
        long,
        value_name = "ORIGINS",
        env = "CARECOVER_FRAME_ANCESTORS",
        value_delimiter = ','
    )]
    frame_ancestors: Vec<String>,
    /// On SIGTERM/ctrl-c, how long in-flight requests may take to finish, seconds; then
    /// the process exits anyway (code 0).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=600))]
    drain_timeout: u64,
    /// Also reload when the data files change: poll their size and modification time
    /// every SECS seconds, and reload once they have stayed unchanged for one more poll
    /// (so a file still being copied is not read half-written). 0 (default) = off.
    #[arg(long, value_name = "SECS", env = "CARECOVER_WATCH_SECS", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    watch: u64,
    /// Serve the map widget from this folder (index.html, app.js, js/, style.css,
    /// node_modules/maplibre-gl) instead of the copy built into the binary: for
    /// developing the widget.
    #[arg(long, env = "CARECOVER_WEB")]
    web: Option<PathBuf>,
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    if args.watch > 0 && data.files == DataFiles::Builtin {
        return Err(
            "--watch needs a data folder (--data DIR or CARECOVER_DATA): \
                    the built-in data cannot change"
                .into(),
        );
    }
    let config = ServerConfig {
        limits: Limits {
            max_concurrency: args.max_concurrency,
            request_timeout: Duration::from_secs(args.request_timeout),
        },
        cors: CorsOrigins::parse(&args.cors_origin)?,
        frame_ancestors: FrameAncestors::parse(&args.frame_ancestors)?,
        web: WebFiles::from_option(args.web),
        drain_timeout: Duration::from_secs(args.drain_timeout),
        watch: (args.watch > 0).then(|| Duration::from_secs(args.watch)),
    };
    let snap = Snapshot::load(&data.files, &data.manifest)?;
    tracing::info!(
        providers = snap.dataset.providers.len(),
        towns = snap.dataset.towns.len(),
        version = snap.version(),
        dataset = %data.files.label(),
        "data loaded"
    );
    match config.web.status() {
        Ok(line) => tracing::info!("{line}"),
        Err(line) => tracing::warn!("{line}"),
    }
    let admin = AdminToken::new(std::env::var("CARECOVER_ADMIN_TOKEN").ok());
    if admin.is_none() {
        tracing::info!("admin routes off (CARECOVER_ADMIN_TOKEN not set)");
    }
    let state = AppState::new(snap)
        .with_reload(DataSource {
            files: data.files.clone(),
            manifest: data.manifest_path.clone(),
        })
        .with_admin_token(admin);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr).await?;
        let (hup_tx, hup_rx) = tokio::sync::mpsc::channel(1);
        server::reload_on(state.clone(), hup_rx);
        spawn_sighup(hup_tx);
        server::run(listener, state, config, shutdown_signal()).await
    })?;
    // Tile renders still running on the blocking pool after the drain deadline must not hold
    // the exit: give them a moment, then go.
    rt.shutdown_timeout(Duration::from_secs(1));
    Ok(ExitCode::SUCCESS)
}

/// Each SIGHUP becomes a `"SIGHUP"` reload trigger (unix only). Hang-ups that arrive while a
/// reload is already queued are folded into it. The handler is installed before this returns,
/// so a SIGHUP sent once the server listens cannot take the default action (exit).
fn spawn_sighup(triggers: tokio::sync::mpsc::Sender<&'static str>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut hup = match signal(SignalKind::hangup()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGHUP; reload with POST /admin/reload");
                return;
            }
        };
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                let _ = triggers.try_send("SIGHUP");
            }
        });
    }
    #[cfg(not(unix))]
    drop(triggers);
}

/// Completes on SIGTERM or ctrl-c.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
