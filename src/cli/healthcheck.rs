//! `carecover healthcheck`: asks a running server's `/readyz` and exits 0 only on 200 — the
//! container's health check, with no HTTP client installed in the image.

use super::CliError;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// The address the server listens on (as given to `serve --addr`); an unspecified
    /// address (0.0.0.0 or ::) is asked on loopback.
    #[arg(long, env = "CARECOVER_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The path to ask.
    #[arg(long, default_value = "/readyz")]
    path: String,
    /// Longest the whole check may take, seconds.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=300))]
    timeout: u64,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    if !args.path.starts_with('/') || args.path.contains(char::is_whitespace) {
        return Err(format!("--path {:?} must start with / and hold no space", args.path).into());
    }
    let target = loopback_if_unspecified(args.addr);
    let timeout = Duration::from_secs(args.timeout);
    let status = get_status(target, &args.path, timeout)
        .map_err(|e| format!("http://{target}{}: {e}", args.path))?;
    if status == 200 {
        println!("http://{target}{}: 200", args.path);
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!("http://{target}{}: HTTP {status}, not ready", args.path).into())
    }
}

/// `0.0.0.0:P` → `127.0.0.1:P`, `[::]:P` → `[::1]:P`; other addresses unchanged.
fn loopback_if_unspecified(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// One HTTP/1.0 GET; the status code of the answer.
fn get_status(addr: SocketAddr, path: &str, timeout: Duration) -> std::io::Result<u16> {
    let mut s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    // One write: a server may answer (and close) once it has the request line.
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes())?;
    // The status line is all we need: "HTTP/1.1 200 OK".
    let mut head = [0u8; 64];
    let mut n = 0;
    while n < head.len() {
        let got = s.read(&mut head[n..])?;
        if got == 0 {
            break;
        }
        n += got;
        if head[..n].contains(&b'\n') {
            break;
        }
    }
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .filter(|_| line.starts_with("HTTP/"))
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not an HTTP answer: {:?}",
                    line.lines().next().unwrap_or("")
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unspecified_address_is_asked_on_loopback() {
        let a: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(
            loopback_if_unspecified(a),
            "127.0.0.1:8080".parse().unwrap()
        );
        let a: SocketAddr = "[::]:9000".parse().unwrap();
        assert_eq!(loopback_if_unspecified(a), "[::1]:9000".parse().unwrap());
        let a: SocketAddr = "10.0.0.5:8080".parse().unwrap();
        assert_eq!(loopback_if_unspecified(a), a);
    }
}
