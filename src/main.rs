//! The `carecover` command line: serve the API, answer nearest queries, check the data.

use carecover::data::{DataFiles, Dataset, KindFilter, KindSet, ProviderKind, Severity};
use carecover::geom::LonLat;
use carecover::server::{
    app_with, AdminToken, AppState, CorsOrigins, DataSource, FrameAncestors, Limits, ServerConfig,
};
use carecover::snapshot::Snapshot;
use carecover::tiles::ExportFormat;
use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "carecover",
    version,
    about = "Home palliative-care coverage for Kumamoto: tiles, nearest providers, gaps"
)]
struct Cli {
    /// Data folder (files named as in the manifest, each plain or gzipped); default: the
    /// Kumamoto dataset built into this binary.
    #[arg(long, global = true, env = "CARECOVER_DATA")]
    data: Option<PathBuf>,
    /// Dataset manifest replacing the built-in geodata/manifest.json.
    #[arg(long, global = true, env = "CARECOVER_MANIFEST")]
    manifest: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API and the map widget.
    ///
    /// Reload the data without downtime with SIGHUP or `POST /admin/reload` (bearer token from
    /// the environment variable CARECOVER_ADMIN_TOKEN; admin routes are off without it).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
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
    },
    /// The nearest providers to a point.
    Nearest {
        #[arg(long, allow_hyphen_values = true)]
        lat: f64,
        #[arg(long, allow_hyphen_values = true)]
        lon: f64,
        /// How many providers (1–50).
        #[arg(short, long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
        k: u16,
        /// Comma list of kinds (any-of), e.g. home_care_support_clinic,home_care_support_hospital.
        #[arg(long)]
        kind: Option<String>,
        /// Comma list of kinds a provider must all hold (all-of), e.g. pediatric_primary_care.
        #[arg(long)]
        require: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Validate the data and print provider counts per region and kind.
    Check,
    /// Write every non-empty tile over Kumamoto to a PMTiles or MBTiles archive.
    Export {
        /// pmtiles or mbtiles.
        #[arg(long, value_parser = ["pmtiles", "mbtiles"], default_value = "pmtiles")]
        format: String,
        #[arg(long, default_value_t = 5)]
        minzoom: u8,
        #[arg(long, default_value_t = 14)]
        maxzoom: u8,
        /// Output file.
        #[arg(short, long, default_value = "tiles/kumamoto.pmtiles")]
        output: PathBuf,
    },
    /// Place a Kumamoto address (町丁目/大字 level), offline.
    Geocode {
        /// The address, e.g. 熊本市中央区水前寺6丁目18-1.
        address: String,
        /// How many candidates.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Cut an OpenStreetMap extract (.osm.pbf covering more than Kumamoto, e.g. Geofabrik's
    /// Kyushu) to the drivable roads with a node within the prefecture plus a margin, and
    /// write them as the road layer file of the data folder. Point the manifest's
    /// `roads.files` at the output to serve OSM road distances (`speed_model` osm_maxspeed).
    ClipOsm {
        /// The input extract.
        input: PathBuf,
        /// Output file, relative to the --data folder (else to the working directory).
        #[arg(long, default_value = "roads/kumamoto_osm_roads.osm.pbf")]
        output: String,
        /// Margin around the prefecture, km (default: half the 16 km service radius, so any
        /// road trip of up to 16 km between two places in the prefecture stays on the roads
        /// kept).
        #[arg(long, default_value_t = carecover::routing::CLIP_MARGIN_M / 1000.0)]
        margin_km: f64,
    },
    /// Coverage per medical region: covered area, gaps, uncovered towns and people.
    Coverage {
        /// Comma list of kinds (any-of); default home_care_support_clinic,home_care_support_hospital.
        #[arg(long)]
        kind: Option<String>,
        /// Service radius, km (1–50).
        #[arg(long, default_value_t = carecover::coverage::DEFAULT_RADIUS_KM)]
        radius_km: f64,
        /// Only providers whose home-care support tier is at most this (1–3).
        #[arg(long)]
        tier_max: Option<u8>,
        /// Also write the coverage and gap polygons as GeoJSON to this file.
        #[arg(long)]
        geojson: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("CARECOVER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Privacy: a nearest query is a patient's home. Whatever CARECOVER_LOG asks for, the
    // HTTP internals stay at info: their debug/trace output can print request lines, URIs
    // or rejected query strings (h2 frame dumps, axum rejections), which carry coordinates
    // and addresses. Our own request span logs the method and path only. (A more specific
    // directive wins in EnvFilter, so `CARECOVER_LOG=trace` cannot lift these caps.)
    for cap in [
        "hyper=info",
        "hyper_util=info",
        "h2=info",
        "axum::rejection=info",
        // geo's debug output dumps whole geometries (hundreds of kB per boolean operation),
        // including ones built from request input such as what-if sites.
        "geo=info",
    ] {
        if let Ok(d) = cap.parse() {
            filter = filter.add_directive(d);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: log files and log shippers get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let data = carecover::cli::data_files(cli.data.as_deref());
    let manifest = carecover::cli::manifest(cli.manifest.as_deref())?;
    match cli.command {
        Command::Check => Ok(check(&data, &manifest)),
        Command::ClipOsm {
            input,
            output,
            margin_km,
        } => {
            if !(margin_km.is_finite() && (0.0..=100.0).contains(&margin_km)) {
                return Err(format!("--margin-km {margin_km}: give 0–100 km").into());
            }
            // The prefecture outline from the regions layer; the road layer itself is not
            // read (it may name the file about to be written).
            let mut m = manifest.clone();
            m.roads = None;
            let ds = Dataset::load(&data, &m)?;
            let polygons: Vec<_> = ds.regions.iter().map(|r| r.geometry.clone()).collect();
            let area = carecover::routing::ClipArea::new(&polygons, margin_km * 1000.0)?;
            // Into the --data folder (where its manifest will name it), else where asked.
            let out = match &data {
                DataFiles::Folder(dir) => dir.join(&output),
                DataFiles::Builtin => std::path::PathBuf::from(&output),
            };
            let stats = carecover::routing::clip_osm_pbf(&input, &area, &out)?;
            println!(
                "wrote {}: {} of {} drivable ways (a node within the prefecture + {margin_km} km), {} nodes",
                out.display(),
                stats.ways_kept,
                stats.drivable_ways,
                stats.nodes_kept
            );
            println!(
                "serve it with a manifest (--manifest) whose roads layer is\n  \
                 \"roads\": {{\"files\": [\"{output}\"], \"source\": \"osm\"}}\n\
                 and whose sources hold\n  \"osm\": {{\"name\": \"OpenStreetMap\", \
                 \"name_en\": \"OpenStreetMap\", \"date\": \"<extract date>\", \
                 \"license\": \"ODbL 1.0\", \"credit\": \"© OpenStreetMap contributors\"}}"
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Coverage {
            kind,
            radius_km,
            tier_max,
            geojson,
        } => {
            use carecover::coverage::{text_table, CoverageParams};
            let kinds = match kind {
                Some(s) => {
                    KindSet::parse_list(&s).map_err(|bad| format!("unknown kind {bad:?}"))?
                }
                None => CoverageParams::default_kinds(),
            };
            let params = CoverageParams::new(kinds, radius_km, tier_max)?;
            let snap = Snapshot::load(&data, &manifest)?;
            let layer = snap.coverage.get(&snap.dataset, params);
            print!("{}", text_table(&layer));
            if let Some(roads) = &snap.roads {
                println!();
                print!("{}", roads.area.text_table());
                print_flattered(roads, 10);
            }
            if let Some(path) = geojson {
                let fc = carecover::coverage::coverage_feature_collection(&layer);
                std::fs::write(&path, serde_json::to_vec(&fc)?)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Nearest {
            lat,
            lon,
            k,
            kind,
            require,
            json,
        } => {
            let at = LonLat::new(lon, lat)?;
            let list = |s: Option<String>, default: KindSet| match s {
                Some(s) => KindSet::parse_list(&s).map_err(|bad| format!("unknown kind {bad:?}")),
                None => Ok(default),
            };
            let kinds = KindFilter {
                any: list(kind, KindSet::all())?,
                all: list(require, KindSet::EMPTY)?,
            };
            let snap = Snapshot::load(&data, &manifest)?;
            print_nearest(&snap, at, k as usize, kinds, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Geocode {
            address,
            limit,
            json,
        } => {
            let snap = Snapshot::load(&data, &manifest)?;
            let answer = snap.gazetteer.geocode(&address, limit.max(1));
            if json {
                println!("{}", serde_json::to_string_pretty(&answer)?);
            } else if answer.candidates.is_empty() {
                println!(
                    "no match ({})",
                    answer.reason.as_deref().unwrap_or("no_match")
                );
                return Ok(ExitCode::FAILURE);
            } else {
                for c in &answer.candidates {
                    let level = serde_json::to_value(c.level)?;
                    println!(
                        "{:.2}  {:<12} {}{}  ({:.6}, {:.6})  rest={:?}{}",
                        c.score,
                        level.as_str().unwrap_or(""),
                        c.city,
                        c.town.as_deref().unwrap_or(""),
                        c.lat,
                        c.lon,
                        c.rest,
                        c.note
                            .as_deref()
                            .map(|n| format!("  note: {n}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            format,
            minzoom,
            maxzoom,
            output,
        } => {
            let snap = Snapshot::load(&data, &manifest)?;
            let fmt = if format == "mbtiles" {
                ExportFormat::Mbtiles
            } else {
                ExportFormat::Pmtiles
            };
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} tiles {elapsed_precise} eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let progress = |done: usize, total: usize| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            };
            let tj = snap.tilejson("tiles/{z}/{x}/{y}.mvt");
            let stats = carecover::tiles::export(
                &snap.layers,
                &tj,
                fmt,
                minzoom,
                maxzoom,
                &output,
                &progress,
            )?;
            bar.finish();
            println!(
                "wrote {} of {} tiles (z{minzoom}–z{maxzoom}) to {}; largest tile {} bytes, {} bytes raw in all",
                stats.tiles_written,
                stats.tiles_considered,
                output.display(),
                stats.largest_tile_bytes,
                stats.total_raw_bytes
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            addr,
            max_concurrency,
            request_timeout,
            cors_origin,
            frame_ancestors,
            drain_timeout,
            watch,
            web,
        } => {
            if let Some(dir) = web {
                carecover::server::set_web_dir(dir);
            }
            if watch > 0 && data == DataFiles::Builtin {
                return Err(
                    "--watch needs a data folder (--data DIR or CARECOVER_DATA): \
                    the built-in data cannot change"
                        .into(),
                );
            }
            let config = ServerConfig {
                limits: Limits {
                    max_concurrency,
                    request_timeout: Duration::from_secs(request_timeout),
                },
                cors: CorsOrigins::parse(&cors_origin)?,
                frame_ancestors: FrameAncestors::parse(&frame_ancestors)?,
            };
            let snap = Snapshot::load(&data, &manifest)?;
            tracing::info!(
                providers = snap.dataset.providers.len(),
                towns = snap.dataset.towns.len(),
                version = snap.version(),
                dataset = %data.label(),
                "data loaded"
            );
            match carecover::server::widget_status() {
                Ok(line) => tracing::info!("{line}"),
                Err(line) => tracing::warn!("{line}"),
            }
            let admin = AdminToken::new(std::env::var("CARECOVER_ADMIN_TOKEN").ok());
            if admin.is_none() {
                tracing::info!("admin routes off (CARECOVER_ADMIN_TOKEN not set)");
            }
            let state = AppState::new(snap)
                .with_reload(DataSource {
                    files: data.clone(),
                    manifest: cli.manifest.clone(),
                })
                .with_admin_token(admin);
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(serve(
                addr,
                state,
                config,
                Duration::from_secs(drain_timeout),
                Duration::from_secs(watch),
            ))?;
            // Tile renders still running on the blocking pool after the drain deadline must
            // not hold the exit: give them a moment, then go.
            rt.shutdown_timeout(Duration::from_secs(1));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Serves until SIGTERM/ctrl-c, then drains: `/readyz` answers 503, the listener closes,
/// in-flight requests finish, and after `drain` the process exits anyway (a stuck client must
/// not block a deploy). SIGHUP reloads the data, and so does a change of the data files when
/// `watch` is not zero.
async fn serve(
    addr: SocketAddr,
    state: AppState,
    config: ServerConfig,
    drain: Duration,
    watch: Duration,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    spawn_sighup_reload(state.clone());
    if !watch.is_zero() {
        tracing::info!(
            every_secs = watch.as_secs(),
            "watching the data files for changes"
        );
        tokio::spawn(carecover::server::watch_files(state.clone(), watch));
    }
    let router = app_with(state.clone(), &config);
    let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        shutdown_signal().await;
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
    tokio::select! {
        r = server => {
            tracing::info!("all requests finished; bye");
            r
        }
        _ = deadline => {
            tracing::warn!(drain_secs = drain.as_secs(), "drain deadline passed; exiting with requests still open");
            Ok(())
        }
    }
}

/// SIGHUP → reload (unix only). A failed reload keeps the old data; see `server::reload`.
fn spawn_sighup_reload(state: AppState) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let mut hup = match signal(SignalKind::hangup()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGHUP; reload with POST /admin/reload");
                return;
            }
        };
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the data");
            // Outcome is logged and shown in /readyz by the reloader itself.
            let _ = carecover::server::reload(&state).await;
        }
    });
    #[cfg(not(unix))]
    let _ = state;
}

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

fn check(data: &DataFiles, manifest: &carecover::data::Manifest) -> ExitCode {
    let (ds, log) = Dataset::load_lenient(data, manifest);
    for issue in &log.issues {
        println!("{issue}");
    }
    let errors = log
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .count();
    let warnings = log.issues.len() - errors;
    if let Some(ds) = &ds {
        print_counts(ds);
    }
    let mut errors = errors;
    if let Some(layer) = &manifest.roads {
        // The dataset has read (and hashed) the road files already: build from those bytes.
        let network = match &ds {
            Some(ds) => carecover::routing::RoadNetwork::load_with(&|f| ds.file_bytes(f), layer),
            None => carecover::routing::RoadNetwork::load(data, layer),
        };
        match network {
            Ok(net) => print_road_topology(&net),
            Err(e) => {
                println!("error: roads: {e}");
                errors += 1;
            }
        }
    }
    println!(
        "\n{errors} error(s), {warnings} warning(s) in {}",
        match data {
            DataFiles::Builtin => "the built-in data".to_string(),
            DataFiles::Folder(d) => d.display().to_string(),
        }
    );
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The road layer's size and what topology cleaning joined (line ends on other roads), with
/// the crossings left unjoined.
fn print_road_topology(net: &carecover::routing::RoadNetwork) {
    let g = &net.graph;
    println!(
        "\nroads: {} nodes, {} links, {:.0} km, speed model {}",
        g.node_count(),
        g.links().len(),
        g.total_length_m() / 1000.0,
        net.speed_model.name()
    );
    if let Some(t) = g.topology() {
        let (before, after) = t.largest_share();
        println!(
            "  topology (tolerance {} m): of {} line ends, {} joined to another road's vertex, \
             {} to a segment, {} to another end; {} lines split",
            t.tolerance_m,
            t.line_ends,
            t.ends_joined_to_vertex,
            t.ends_joined_to_segment,
            t.ends_joined_to_end,
            t.lines_split
        );
        println!(
            "  components: {} before joining ({} nodes, largest {:.1} %), {} after ({} nodes, \
             largest {:.1} %)",
            t.components_before,
            t.nodes_before,
            100.0 * before,
            t.components_after,
            t.nodes_after,
            100.0 * after
        );
        let c = carecover::routing::crossings(g, t.tolerance_m);
        println!(
            "  crossings with no line end within {tol} m: {} — {} at under {}° (two traces of \
             one road weaving), {} between roads (of them {} with a vertex of both within {tol} \
             m); all left unjoined: a crossing without an end may be a bridge or underpass",
            c.crossings,
            c.shallow,
            carecover::routing::SHALLOW_CROSSING_DEG,
            c.crossings - c.shallow,
            c.with_vertices_near,
            tol = t.tolerance_m,
        );
    }
}

/// Per-region provider counts by kind, with a prefecture total.
fn print_counts(ds: &Dataset) {
    let counts = ds.provider_counts();
    println!(
        "\nproviders per medical region ({} providers, {} towns, data version {})",
        ds.providers.len(),
        ds.towns.len(),
        ds.version
    );
    print!("{:<4} {:<14}", "id", "region");
    for k in ProviderKind::ALL {
        print!(" {:>8}", k.short_ja());
    }
    println!();
    let mut total = [0usize; ProviderKind::ALL.len()];
    for (r, c) in ds.regions.iter().zip(&counts) {
        print!("{:<4} {:<14}", r.id, r.name);
        for (i, n) in c.iter().enumerate() {
            total[i] += n;
            print!(" {n:>8}");
        }
        println!();
    }
    print!("{:<4} {:<14}", "", "熊本県 total");
    for n in total {
        print!(" {n:>8}");
    }
    println!();
    for k in ProviderKind::ALL {
        println!("  {} = {} ({})", k.short_ja(), k.name_ja(), k.as_str());
    }
}

/// The towns the straight-line map flatters most: within 16 km of a home-care provider in a
/// straight line, farthest beyond it by road. Towns in regions with too little road data are
/// marked: there a long detour may be a road missing from the network.
fn print_flattered(roads: &carecover::routing::Roads, n: usize) {
    let mut all: Vec<(&carecover::routing::FlatteredTown, bool)> = roads
        .coverage
        .regions
        .iter()
        .flat_map(|r| {
            let sparse = roads
                .area
                .region(r.region_id)
                .is_none_or(|a| a.reason.is_some());
            r.towns_flattered.iter().map(move |f| (f, sparse))
        })
        .collect();
    all.sort_by(|a, b| b.0.detour_km().total_cmp(&a.0.detour_km()));
    println!(
        "\n{} towns are within {} km of a home-care provider in a straight line but farther by road; the largest detours:",
        all.len(),
        roads.coverage.radius_km
    );
    for (f, sparse) in all.iter().take(n) {
        println!(
            "  {}{}  straight {:.1} km, by road {:.1} km (+{:.1}){}",
            f.city,
            f.town,
            f.straight_km,
            f.road_km,
            f.detour_km(),
            if *sparse {
                "  [region with sparse road data]"
            } else {
                ""
            }
        );
    }
}

fn print_nearest(
    snap: &Snapshot,
    at: LonLat,
    k: usize,
    kinds: KindFilter,
    json: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    // One typed answer for both outputs: the text is a view of what --json prints.
    let answer = carecover::server::nearest_answer(
        snap,
        at,
        k,
        kinds,
        carecover::server::Sort::Distance,
        None,
    );
    if json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    println!(
        "{:>3} {:>9} {:>10} {:>7}  {:<9} {:<30} {:<14} address",
        "#", "km", "16km", "±km", "id", "name", "phone"
    );
    for (i, r) in answer.results.iter().enumerate() {
        let p = &r.provider;
        println!(
            "{:>3} {:>9.3} {:>10} {:>7.3}  {:<9} {:<30} {:<14} {}",
            i + 1,
            r.distance_km,
            r.visit_16km.as_str(),
            r.uncertainty_km,
            p.id,
            p.name,
            p.phone,
            p.address
        );
    }
    if answer.results.is_empty() {
        println!("no provider of the chosen kinds");
    }
    let rule = &answer.rule_16km;
    println!(
        "16 km rule: {} provider(s) of these kinds within, {} to confirm; exception (none within 16 km): {}",
        rule.providers_within,
        rule.providers_to_confirm,
        serde_json::to_value(rule.exception)?.as_str().unwrap_or("")
    );
    Ok(())
}
