//! The server binary as a subprocess: graceful shutdown under load, and privacy of the logs.
//! Traffic goes to 127.0.0.1 only; every wait has a generous guard, no test asserts a time.

use crate::common;

use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `carecover serve` on a free port, its stderr in a file.
struct Server {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Server {
    fn start(name: &str, envs: &[(&str, &str)]) -> Self {
        Self::start_with(name, envs, "120")
    }

    fn start_with(name: &str, envs: &[(&str, &str)], drain_secs: &str) -> Self {
        let log = std::env::temp_dir().join(format!("carecover-{name}-{}.log", std::process::id()));
        let file = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_carecover"));
        cmd.args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--drain-timeout",
            drain_secs,
        ])
        .env("CARECOVER_DATA", common::data_dir())
        .env_remove("CARECOVER_LOG")
        .env_remove("CARECOVER_ADMIN_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::from(file));
        for (k, v) in envs {
            cmd.env(k, v);
        }
        Self::spawn(cmd, log)
    }

    /// Starts `cmd` (stderr already going to `log`) and waits until it listens.
    fn spawn(mut cmd: Command, log: PathBuf) -> Self {
        let mut child = cmd.spawn().unwrap();
        // Wait for "listening on http://127.0.0.1:PORT" (guard: data loading in a debug build).
        let guard = Instant::now() + Duration::from_secs(300);
        let addr = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(i) = text.find("listening on http://") {
                let rest = &text[i + "listening on http://".len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == ':'))
                    .unwrap_or(rest.len());
                break rest[..end].to_string();
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("server exited early ({status}): {text}");
            }
            assert!(Instant::now() < guard, "server did not start: {text}");
            std::thread::sleep(Duration::from_millis(100));
        };
        Self { child, addr, log }
    }

    fn connect(&self) -> BufReader<TcpStream> {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
        BufReader::new(s)
    }

    /// One request on a fresh connection (`Connection: close`).
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut c = self.connect();
        write_request(c.get_mut(), &self.addr, path, false);
        read_response(&mut c)
    }

    fn sigterm(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -TERM failed");
    }

    /// Waits for the process to exit (guard only) and returns its exit status and log.
    fn wait(mut self) -> (std::process::ExitStatus, String) {
        let guard = Instant::now() + Duration::from_secs(300);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > guard {
                let _ = self.child.kill();
                panic!("server did not exit after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let _ = std::fs::remove_file(&self.log);
        (status, log)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn write_request(s: &mut TcpStream, host: &str, path: &str, keep_alive: bool) {
    let conn = if keep_alive { "keep-alive" } else { "close" };
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: {conn}\r\n\r\n"
    )
    .unwrap();
    s.flush().unwrap();
}

/// Reads one HTTP/1.1 response: status and body (these routes send a Content-Length, so a
/// kept-alive connection can carry the next request).
fn read_response(r: &mut BufReader<TcpStream>) -> (u16, Vec<u8>) {
    let (status, _, body) = common::read_http_response(r);
    (status, body)
}

#[test]
fn sigterm_lets_in_flight_requests_finish_and_exits_0() {
    let server = Server::start("drain", &[]);
    // Uncached tiles at distinct coordinates over Kumamoto city (z12–z14): each renders on the
    // blocking pool, so a burst of them is in flight when the signal arrives.
    let mut coords = Vec::new();
    for (z, x0, y0, n) in [
        (12u8, 3532u32, 1652u32, 4u32),
        (13, 7064, 3304, 4),
        (14, 14128, 6608, 4),
    ] {
        for dx in 0..n {
            for dy in 0..n {
                coords.push(format!("/tiles/{z}/{}/{}.mvt", x0 + dx, y0 + dy));
            }
        }
    }
    let (sent_tx, sent_rx) = std::sync::mpsc::channel::<()>();
    let workers: Vec<_> = coords
        .iter()
        .map(|path| {
            let mut c = server.connect();
            let (addr, path, sent) = (server.addr.clone(), path.clone(), sent_tx.clone());
            std::thread::spawn(move || {
                // A first request proves the server accepted this connection, so the tile
                // request below is on a live connection when SIGTERM closes the listener.
                write_request(c.get_mut(), &addr, "/healthz", true);
                let (s, _) = read_response(&mut c);
                assert_eq!(s, 200);
                write_request(c.get_mut(), &addr, &path, true);
                let _ = sent.send(());
                let (s, _) = read_response(&mut c);
                (path, s)
            })
        })
        .collect();
    for _ in 0..coords.len() {
        sent_rx
            .recv_timeout(Duration::from_secs(300))
            .expect("request sent");
    }
    // Let the server read the requests off the sockets before the signal.
    std::thread::sleep(Duration::from_millis(300));
    server.sigterm();
    for w in workers {
        let (path, status) = w.join().expect("worker");
        assert!(status == 200 || status == 204, "{path}: {status}");
    }
    let (status, log) = server.wait();
    assert!(status.success(), "exit {status}: {log}");
    assert!(log.contains("shutting down"), "{log}");
}

#[test]
fn a_stuck_client_cannot_hold_shutdown_past_the_drain_timeout() {
    let server = Server::start_with("stuck", &[], "1");
    let mut c = server.connect();
    write_request(c.get_mut(), &server.addr, "/healthz", true);
    assert_eq!(read_response(&mut c).0, 200);
    // A request whose body never finishes arriving: its handler waits on the body, so the
    // request stays in flight and graceful shutdown alone would wait for it.
    write!(
        c.get_mut(),
        "POST /api/scenarios HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    )
    .unwrap();
    c.get_mut().flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.sigterm();
    let (status, log) = server.wait();
    assert!(status.success(), "exit {status}");
    assert!(log.contains("drain deadline passed"), "{log}");
}

/// Percent-encodes every byte outside the unreserved set, upper-case hex.
fn pct(s: &str, lower: bool) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else if lower {
                format!("%{b:02x}")
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn debug_logs_never_contain_query_coordinates_or_addresses_and_sighup_reloads() {
    let server = Server::start("privacy", &[("CARECOVER_LOG", "debug")]);
    let address = "熊本市中央区水前寺6丁目18-1";
    let requests = [
        "/api/nearest?lat=32.80321&lon=130.70789&k=5".to_string(),
        "/api/nearest?lat=32.80321&lon=130.70789&k=5&kind=home_care_support_clinic".to_string(),
        format!("/api/nearest?address={}&k=3", pct(address, false)),
        format!("/api/nearest?address={}&k=3", pct(address, true)),
        format!("/api/geocode?q={}", pct(address, false)),
        // Error paths must not leak either.
        "/api/nearest?lat=32.80321&lon=999.70789".to_string(),
        format!("/api/nearest?address={}&lat=32.80321", pct(address, false)),
        format!("/api/geocode?q={}&bogus=1", pct(address, false)),
    ];
    for (i, path) in requests.iter().enumerate() {
        let (s, body) = server.get(path);
        let ok = if i < 5 { s == 200 } else { s == 400 };
        assert!(ok, "{path}: {s} {}", String::from_utf8_lossy(&body));
    }
    // SIGHUP reloads the data; /readyz reports the outcome.
    let ok = Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -HUP failed");
    let guard = Instant::now() + Duration::from_secs(300);
    let ready = loop {
        let (s, body) = server.get("/readyz");
        assert_eq!(s, 200);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        if !v["last_reload"].is_null() {
            break v;
        }
        assert!(Instant::now() < guard, "no reload after SIGHUP: {v}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(ready["last_reload"]["ok"], true, "{ready}");
    server.sigterm();
    let (status, log) = server.wait();
    assert!(status.success(), "exit {status}");
    assert!(log.contains("data reloaded"));
    // What the server logged from the moment it listened: startup may log the data's own
    // coordinates (provider points, town polygons), which are public and not queries.
    let served = &log[log.find("listening on").unwrap()..];
    let head = &served[..served.len().min(4000)];
    // The log really is at debug and saw the requests (else the test proves nothing).
    assert!(
        served.contains("/api/nearest") && served.contains("/api/geocode"),
        "{head}"
    );
    assert!(served.contains("DEBUG"), "{head}");
    let forbidden = [
        "32.803".to_string(),
        "130.707".to_string(),
        "130.708".to_string(),
        address.to_string(),
        "水前寺6丁目".to_string(),
        pct(address, false),
        pct(address, true),
        pct("水前寺", false),
        pct("水前寺", true),
        "lat=".to_string(),
        "address=".to_string(),
        "?q=".to_string(),
    ];
    for f in &forbidden {
        if let Some(line) = served.lines().find(|l| l.contains(f.as_str())) {
            panic!(
                "the log contains {f:?}: {}",
                line.chars().take(2000).collect::<String>()
            );
        }
    }
    // The HTTP and geometry internals stay quiet even at debug.
    for target in [" hyper", " h2::", " geo::", "axum::rejection"] {
        assert!(!served.contains(target), "{target} logged at debug");
    }
}

/// What a user who copies the binary alone to another machine gets: started in an empty
/// folder with no flag but the address and no CARECOVER_* variable, it serves the built-in
/// Kumamoto data, a real tile, the page and MapLibre, and the same data version as the
/// repository's files.
#[test]
fn the_binary_alone_in_an_empty_folder_serves_the_builtin_data_and_the_map() {
    let dir = std::env::temp_dir().join(format!("carecover-alone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    let bin = dir.join("bin/carecover");
    std::fs::copy(env!("CARGO_BIN_EXE_carecover"), &bin).unwrap();
    let log = dir.join("serve.log");
    let mut cmd = Command::new(&bin);
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(dir.join("bin"))
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CARECOVER_") {
            cmd.env_remove(k);
        }
    }
    let server = Server::spawn(cmd, log);

    let (status, body) = server.get("/readyz");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let ready: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(ready["dataset"], "builtin", "{ready}");
    // The repository's geodata/ folder (gzipped large files) has the same version.
    let m = carecover::data::Manifest::builtin().unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let folder = carecover::data::Dataset::load(&repo, &m).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ready["data_version"], folder.version.as_str(), "{ready}");
    assert_eq!(ready["providers"], 1324 + 400, "{ready}");

    let (status, body) = server.get("/tiles.json");
    assert_eq!(status, 200);
    let tj: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(tj["dataset"], "builtin", "{tj}");
    // Kumamoto city at z10: providers, regions and coverage.
    let (status, tile) = server.get("/tiles/10/883/413.mvt");
    assert_eq!(status, 200);
    assert!(tile.len() > 1000, "tile of {} bytes", tile.len());
    let (status, page) = server.get("/");
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    // The page names its scripts relatively (it also runs from a static folder).
    assert!(page.contains("src=\"vendor/maplibre-gl.js\""), "{page}");
    let (status, js) = server.get("/vendor/maplibre-gl.js");
    assert_eq!(
        status,
        200,
        "MapLibre is not in the binary: {} (the build needs npm and the npm registry)",
        String::from_utf8_lossy(&js)
    );
    assert!(js.len() > 100_000, "maplibre-gl.js of {} bytes", js.len());
    let (status, _) = server.get("/vendor/maplibre-gl.css");
    assert_eq!(status, 200);
    let (status, _) = server.get("/app.js");
    assert_eq!(status, 200);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
