//! A deliberately tiny HTTP/1.1 client over `std::net`: enough for readiness probes
//! and the login benchmark, with no async runtime to compile.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// What we learn from one request.
#[derive(Debug, Clone, Copy)]
pub struct Response {
    /// The status code from the status line.
    pub status: u16,
    /// Time from sending the request to receiving the first response byte.
    pub ttfb: Duration,
}

/// Sends `GET <path>` on a fresh connection with `Connection: close`, reads the whole
/// response (so the server finishes its work before the next request) and returns
/// the status and the time to first byte.
pub fn get(addr: SocketAddr, path: &str, timeout: Duration) -> io::Result<Response> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.set_nodelay(true)?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: xtask\r\nConnection: close\r\n\r\n");

    let start = Instant::now();
    stream.write_all(request.as_bytes())?;

    let mut buf = [0u8; 16 * 1024];
    let mut head = Vec::new();
    let mut ttfb = None;
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        ttfb.get_or_insert_with(|| start.elapsed());
        // Only the status line matters; keep the first bytes, drain the rest.
        if head.len() < 64 {
            head.extend_from_slice(&buf[..n]);
        }
    }
    let ttfb = ttfb.ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "empty response"))?;
    let status =
        parse_status(&head).ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed status line"))?;
    Ok(Response { status, ttfb })
}

/// A whole answer: status, headers and body.
#[derive(Debug, Clone)]
pub struct Full {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Full {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends one request (`Connection: close`) with extra `headers` and `body`, and reads the
/// whole answer. Chunked bodies are returned as sent (only the status and headers of those
/// are meant to be read).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<Full> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.set_nodelay(true)?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: xtask\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "incomplete response head"))?;
    let status =
        parse_status(&raw).ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed status line"))?;
    let headers = String::from_utf8_lossy(&raw[..split])
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Full { status, headers, body: raw[split + 4..].to_vec() })
}

/// Extracts the code from a status line such as `HTTP/1.1 200 OK`.
fn parse_status(head: &[u8]) -> Option<u16> {
    let line = head.split(|&b| b == b'\r' || b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split_ascii_whitespace();
    parts.next().filter(|v| v.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_lines() {
        assert_eq!(parse_status(b"HTTP/1.1 200 OK\r\nx: y\r\n"), Some(200));
        assert_eq!(parse_status(b"HTTP/1.1 303 See Other\r\n"), Some(303));
        assert_eq!(parse_status(b"HTTP/1.0 404\r\n"), Some(404));
        assert_eq!(parse_status(b"garbage"), None);
        assert_eq!(parse_status(b""), None);
    }

    #[test]
    fn get_reads_status_from_a_real_socket() {
        use std::net::TcpListener;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut req = [0u8; 1024];
            let n = conn.read(&mut req).unwrap();
            let req = String::from_utf8_lossy(&req[..n]).into_owned();
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").unwrap();
            req
        });
        let resp = get(addr, "/login", Duration::from_secs(5)).unwrap();
        assert_eq!(resp.status, 200);
        let req = server.join().unwrap();
        assert!(req.starts_with("GET /login HTTP/1.1\r\n"));
        assert!(req.contains("Connection: close\r\n"));
    }
}
