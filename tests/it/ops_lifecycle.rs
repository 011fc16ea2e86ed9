//! The server's lifecycle in-process: `server::run` on a 127.0.0.1:0 listener, stopped by a
//! future and reloaded through a channel, no subprocess and no signal. Every wait has a
//! generous guard; no test asserts an upper bound on time.

use crate::common::{self, TempData};

use carecover::app::Snapshot;
use carecover::data::Manifest;
use carecover::server::{app, reload_on, run, AppState, DataSource, Drain, ServerConfig};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const GUARD: Duration = Duration::from_secs(300);

/// A server running [`run`] on a free port, stopped by [`Server::stop`].
struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<Drain>>,
}

impl Server {
    async fn start(state: AppState, config: ServerConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let task = tokio::spawn(run(listener, state, config, shutdown));
        Self {
            addr,
            stop: Some(stop),
            task,
        }
    }

    /// Starts the shutdown (as SIGTERM does in the binary).
    fn stop(&mut self) {
        let _ = self.stop.take().expect("stopped once").send(());
    }

    /// What `run` returned (guard only).
    async fn finished(self) -> Drain {
        tokio::time::timeout(GUARD, self.task)
            .await
            .expect("run did not return")
            .expect("run panicked")
            .expect("run failed")
    }

    /// One GET on a fresh connection (`Connection: close`): status and body.
    async fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut c = TcpStream::connect(self.addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        c.write_all(req.as_bytes()).await.unwrap();
        read_response(&mut c).await
    }

    async fn ready(&self) -> serde_json::Value {
        let (s, body) = self.get("/readyz").await;
        assert_eq!(s, 200, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// `/readyz` once it reports a reload (the snapshot is swapped just before the outcome is
    /// recorded, so a changed version alone is not the end of the reload).
    async fn reloaded(&self) -> serde_json::Value {
        let guard = Instant::now() + GUARD;
        loop {
            let v = self.ready().await;
            if !v["last_reload"].is_null() {
                return v;
            }
            assert!(Instant::now() < guard, "no reload: {v}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Reads a whole `Connection: close` response: status and body (no chunked bodies on the
/// routes used here without Accept-Encoding).
async fn read_response(c: &mut TcpStream) -> (u16, Vec<u8>) {
    let mut buf = Vec::new();
    tokio::time::timeout(GUARD, c.read_to_end(&mut buf))
        .await
        .expect("no response")
        .unwrap();
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad response {text:?}"));
    let start = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |i| i + 4);
    (status, buf[start..].to_vec())
}

/// A what-if scenario whose body has not finished arriving: its handler waits on the body, so
/// the request is in flight until [`finish_scenario`] sends the rest.
const SCENARIO: &str = r#"{"add": [{"lat": 32.25, "lon": 130.65}], "remove": []}"#;

async fn start_scenario(addr: SocketAddr) -> TcpStream {
    let mut c = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/scenarios HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        SCENARIO.len()
    );
    c.write_all(head.as_bytes()).await.unwrap();
    c.write_all(&SCENARIO.as_bytes()[..1]).await.unwrap();
    c.flush().await.unwrap();
    // Let the server read the head and start the handler before anything else happens.
    tokio::time::sleep(Duration::from_millis(500)).await;
    c
}

async fn finish_scenario(mut c: TcpStream) -> (u16, Vec<u8>) {
    c.write_all(&SCENARIO.as_bytes()[1..]).await.unwrap();
    c.flush().await.unwrap();
    read_response(&mut c).await
}

/// A state over the built-in data, without reload.
fn builtin_state() -> AppState {
    AppState::new(Snapshot::build(common::dataset()).expect("snapshot"))
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let guard = Instant::now() + GUARD;
    while !done() {
        assert!(Instant::now() < guard, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drains_an_in_flight_request_and_refuses_new_connections() {
    let state = builtin_state();
    let config = ServerConfig {
        drain_timeout: GUARD,
        ..ServerConfig::default()
    };
    let mut server = Server::start(state.clone(), config).await;
    assert_eq!(server.ready().await["status"], "ready");
    assert!(!state.is_draining());

    let slow = start_scenario(server.addr).await;
    server.stop();
    wait_until("draining", || state.is_draining()).await;
    // Draining: readiness fails (a load balancer stops sending traffic)…
    let (s, _, body) = common::get(&app(state.clone()), "/readyz").await;
    assert_eq!(s, 503, "{}", String::from_utf8_lossy(&body));
    // …and the listener is closed: new connections are refused.
    let guard = Instant::now() + GUARD;
    loop {
        match TcpStream::connect(server.addr).await {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => break,
            Err(e) => panic!("connect: {e}"),
            Ok(_) => {
                assert!(Instant::now() < guard, "the listener still accepts");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    assert!(
        !server.task.is_finished(),
        "run returned with a request open"
    );

    // The request that was in flight when shutdown began still gets its whole answer.
    let (s, body) = finish_scenario(slow).await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(v.is_object(), "{v}");
    assert_eq!(server.finished().await, Drain::Complete);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_request_cannot_hold_run_past_the_drain_timeout() {
    let drain = Duration::from_millis(300);
    let config = ServerConfig {
        drain_timeout: drain,
        ..ServerConfig::default()
    };
    let mut server = Server::start(builtin_state(), config).await;
    let _stuck = start_scenario(server.addr).await;
    let stopped_at = Instant::now();
    server.stop();
    assert_eq!(server.finished().await, Drain::TimedOut);
    assert!(
        stopped_at.elapsed() >= drain,
        "returned before the drain timeout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_requests_in_flight_shutdown_completes() {
    let mut server = Server::start(builtin_state(), ServerConfig::default()).await;
    assert_eq!(server.get("/healthz").await.0, 200);
    server.stop();
    assert_eq!(server.finished().await, Drain::Complete);
}

/// A server state over a private data folder, reloadable from it.
fn state_of(data: &TempData) -> AppState {
    let m = Manifest::builtin().unwrap();
    let snap = Snapshot::load(data.dir.as_path(), &m).unwrap_or_else(|e| panic!("{e}"));
    AppState::new(snap).with_reload(DataSource {
        files: Path::new(&data.dir).into(),
        manifest: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_trigger_swaps_the_data_version_while_serving() {
    let data = TempData::new("lifecycle-trigger");
    let state = state_of(&data);
    let (reload_tx, reload_rx) = tokio::sync::mpsc::channel(1);
    let reloader = reload_on(state.clone(), reload_rx);
    let mut server = Server::start(state.clone(), ServerConfig::default()).await;
    let before = server.ready().await;
    assert!(before["last_reload"].is_null(), "{before}");
    let providers = before["providers"].as_u64().unwrap();

    data.drop_last_provider();
    // Files alone change nothing: no watcher runs.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.ready().await["data_version"], before["data_version"]);

    reload_tx.send("test trigger").await.unwrap();
    let after = server.reloaded().await;
    assert_eq!(after["last_reload"]["ok"], true, "{after}");
    assert_ne!(after["data_version"], before["data_version"], "{after}");
    assert_eq!(after["providers"].as_u64(), Some(providers - 1), "{after}");
    assert_eq!(after["last_reload"]["data_version"], after["data_version"]);

    // Closing the channel ends the reload task.
    drop(reload_tx);
    tokio::time::timeout(GUARD, reloader)
        .await
        .unwrap()
        .unwrap();
    server.stop();
    assert_eq!(server.finished().await, Drain::Complete);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_watch_configured_run_reloads_when_the_files_change() {
    let data = TempData::new("lifecycle-watch");
    let state = state_of(&data);
    let v0 = state.snapshot().version().to_string();
    let config = ServerConfig {
        watch: Some(Duration::from_millis(100)),
        ..ServerConfig::default()
    };
    let mut server = Server::start(state.clone(), config).await;
    // Let the watcher take its first look before anything changes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    data.drop_last_provider();
    let ready = server.reloaded().await;
    assert_eq!(ready["last_reload"]["ok"], true, "{ready}");
    assert_ne!(ready["data_version"], v0.as_str(), "{ready}");
    server.stop();
    assert_eq!(server.finished().await, Drain::Complete);
}
