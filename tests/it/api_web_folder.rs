//! `serve --web DIR`: the widget from a folder instead of the built-in copy (for developing
//! it). The widget folder is process-wide, so the server runs as a subprocess (the other
//! tests in this binary serve the built-in widget in-process).

use crate::common;
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `carecover serve --web DIR` on a free port; killed on drop.
struct Served {
    child: Child,
    addr: String,
    log: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_web(dir: &std::path::Path) -> Served {
    let log = dir.with_extension("log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(["serve", "--addr", "127.0.0.1:0", "--web"])
        .arg(dir)
        .env("CARECOVER_DATA", common::data_dir())
        .env_remove("CARECOVER_LOG")
        .env_remove("CARECOVER_WEB")
        .stdout(Stdio::null())
        .stderr(Stdio::from(file))
        .spawn()
        .unwrap();
    // Guard only: loading the data in a debug build under a loaded machine.
    let guard = Instant::now() + Duration::from_secs(300);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(i) = text.find("listening on http://") {
            let rest = &text[i + "listening on http://".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == ':'))
                .unwrap_or(rest.len());
            let addr = rest[..end].to_string();
            let _ = std::fs::remove_file(&log);
            return Served {
                child,
                addr,
                log: text,
            };
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("server exited early ({status}): {text}");
        }
        assert!(Instant::now() < guard, "server did not start: {text}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One GET on a fresh connection: status, content-type, body.
fn get(s: &Served, path: &str) -> (u16, String, Vec<u8>) {
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    write!(
        c,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        s.addr
    )
    .unwrap();
    common::read_http_response(&mut BufReader::new(c))
}

#[test]
fn a_widget_folder_replaces_the_builtin_page_and_a_missing_maplibre_is_a_404_saying_why() {
    let dir = std::env::temp_dir().join(format!("carecover-web-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><p>dev page</p>").unwrap();
    let s = serve_web(&dir);

    let (status, _, body) = get(&s, "/");
    assert_eq!(status, 200);
    assert_eq!(body, b"<!doctype html><p>dev page</p>");
    // No node_modules in the folder: MapLibre is missing, and the answer says where it looked.
    let (status, ctype, body) = get(&s, "/vendor/maplibre-gl.js");
    assert_eq!(status, 404);
    assert_eq!(ctype, "text/plain; charset=utf-8");
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains("MapLibre") && text.contains("node_modules/maplibre-gl/dist/maplibre-gl.js"),
        "{text}"
    );
    // A page file missing from the folder is a 404 naming it.
    let (status, _, body) = get(&s, "/app.js");
    assert_eq!(status, 404);
    assert!(String::from_utf8(body).unwrap().contains("app.js"));
    // The startup log says the widget comes from the folder and lacks MapLibre.
    assert!(
        s.log.contains("MapLibre missing") && s.log.contains(&dir.display().to_string()),
        "{}",
        s.log
    );
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}
