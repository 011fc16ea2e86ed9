//! Logging for every command: to stderr, level from `CARECOVER_LOG` (default info), with the
//! HTTP and geometry internals capped whatever it asks for.

/// Installs the global log subscriber. Call once, at start-up.
pub fn init_logging() {
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
