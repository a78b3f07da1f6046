//! A small HTTP/1.1 client over loopback for the benchmark and end-to-end
//! tests: keep-alive requests with `Content-Length` or chunked bodies, and an
//! SSE reader. No TLS, no redirects: it talks to our own server only.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A response.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header with this (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One keep-alive connection.
#[derive(Debug)]
pub struct Conn {
    host: String,
    stream: BufReader<TcpStream>,
}

impl Conn {
    /// Connects to `addr` (`127.0.0.1:PORT`).
    pub async fn connect(addr: &str) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Conn { host: addr.to_owned(), stream: BufReader::new(s) })
    }

    /// Sends a request and reads the whole response.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Reply> {
        self.send(method, path, headers, body).await?;
        let (status, hdrs) = self.head().await?;
        let len = hdrs.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse::<usize>().ok());
        let chunked = hdrs.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let mut body = Vec::new();
        if let Some(n) = len {
            body.resize(n, 0);
            self.stream.read_exact(&mut body).await?;
        } else if chunked {
            loop {
                let mut line = String::new();
                self.stream.read_line(&mut line).await?;
                let n = usize::from_str_radix(line.trim(), 16).map_err(|e| io_err(&format!("chunk size: {e}")))?;
                let mut chunk = vec![0; n + 2];
                self.stream.read_exact(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        }
        Ok(Reply { status, headers: hdrs, body })
    }

    async fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<()> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n", self.host, body.len());
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let s = self.stream.get_mut();
        s.write_all(req.as_bytes()).await?;
        s.write_all(body).await?;
        s.flush().await
    }

    async fn head(&mut self) -> std::io::Result<(u16, Vec<(String, String)>)> {
        let mut line = String::new();
        if self.stream.read_line(&mut line).await? == 0 {
            return Err(io_err("connection closed"));
        }
        let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| io_err(&line))?;
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.stream.read_line(&mut h).await?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        Ok((status, headers))
    }

    /// Opens an SSE stream with `GET path`; returns the status and an event reader.
    pub async fn sse(mut self, path: &str, headers: &[(&str, &str)]) -> std::io::Result<(u16, SseReader)> {
        let mut h: Vec<(&str, &str)> = headers.to_vec();
        h.push(("Accept", "text/event-stream"));
        self.send("GET", path, &h, b"").await?;
        let (status, hdrs) = self.head().await?;
        let chunked = hdrs.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        Ok((status, SseReader { stream: self.stream, chunked, buf: String::new() }))
    }
}

fn io_err(m: &str) -> std::io::Error {
    std::io::Error::other(m.to_owned())
}

/// Reads server-sent events.
#[derive(Debug)]
pub struct SseReader {
    stream: BufReader<TcpStream>,
    chunked: bool,
    buf: String,
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` name.
    pub event: String,
    /// The `data:` lines joined.
    pub data: String,
}

impl SseReader {
    async fn more(&mut self) -> std::io::Result<()> {
        if self.chunked {
            let mut line = String::new();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(io_err("stream closed"));
            }
            let n = usize::from_str_radix(line.trim(), 16).map_err(|e| io_err(&format!("chunk size: {e}")))?;
            let mut chunk = vec![0; n + 2];
            self.stream.read_exact(&mut chunk).await?;
            if n == 0 {
                return Err(io_err("stream ended"));
            }
            self.buf.push_str(&String::from_utf8_lossy(&chunk[..n]));
        } else {
            let mut line = String::new();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(io_err("stream closed"));
            }
            self.buf.push_str(&line);
        }
        Ok(())
    }

    /// The next event (comments and keep-alives skipped), or an error on timeout.
    pub async fn next(&mut self, timeout: Duration) -> std::io::Result<SseEvent> {
        tokio::time::timeout(timeout, async {
            loop {
                if let Some(end) = self.buf.find("\n\n") {
                    let block: String = self.buf.drain(..end + 2).collect();
                    let mut ev = SseEvent { event: "message".into(), data: String::new() };
                    let mut any = false;
                    for l in block.lines() {
                        if let Some(v) = l.strip_prefix("event:") {
                            ev.event = v.trim().to_owned();
                            any = true;
                        } else if let Some(v) = l.strip_prefix("data:") {
                            if !ev.data.is_empty() {
                                ev.data.push('\n');
                            }
                            ev.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                            any = true;
                        }
                    }
                    if any {
                        return Ok(ev);
                    }
                    continue;
                }
                self.more().await?;
            }
        })
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out waiting for an event"))?
    }
}
