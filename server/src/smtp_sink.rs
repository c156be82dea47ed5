//! A loopback SMTP server that keeps what it receives, for the tests and the e-mail benchmark:
//! plain SMTP (no TLS, no auth) on 127.0.0.1, enough of RFC 5321 for lettre. Replies can be
//! scripted per recipient address (a temporary 451 a few times, a permanent 550), and each
//! message can be slowed down, to see retries, failures and a sender stopped mid-batch.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as received.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The message (headers and body), dot-unstuffed.
    pub data: String,
}

impl Mail {
    /// The value of header `name` (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_string());
            }
        }
        value
    }
}

#[derive(Default)]
struct Script {
    /// Count messages without keeping them (a benchmark's memory stays the sender's).
    discard: bool,
    /// Replies to RCPT TO for an address, used up one per attempt (then 250).
    rcpt: HashMap<String, Vec<String>>,
    delay: Duration,
}

/// A running sink.
#[derive(Clone)]
pub struct Sink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    received: Arc<std::sync::atomic::AtomicUsize>,
    script: Arc<Mutex<Script>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Sink {
    /// Listens on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on(0).await
    }

    pub async fn start_on(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let sink = Sink {
            port: listener.local_addr()?.port(),
            mails: Arc::default(),
            received: Arc::default(),
            script: Arc::default(),
        };
        let s = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(socket).await;
                });
            }
        });
        Ok(sink)
    }

    /// What arrived so far.
    pub fn mails(&self) -> Vec<Mail> {
        lock(&self.mails).clone()
    }

    /// How many messages arrived (kept or not).
    pub fn count(&self) -> usize {
        self.received.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// From now on, counts messages without keeping them.
    pub fn discard(&self) {
        lock(&self.script).discard = true;
    }

    /// The next RCPT TO replies for `address` (e.g. `["451 4.3.0 busy"]`, `["550 5.1.1 no such user"]`).
    pub fn script(&self, address: &str, replies: &[&str]) {
        lock(&self.script).rcpt.insert(address.to_lowercase(), replies.iter().map(|r| r.to_string()).collect());
    }

    /// Waits this long before accepting each message.
    pub fn slow(&self, delay: Duration) {
        lock(&self.script).delay = delay;
    }

    async fn session(&self, socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink ESMTP\r\n").await?;
        let (mut from, mut to) = (String::new(), Vec::<String>::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_string();
            let upper = cmd.to_ascii_uppercase();
            let reply = if upper.starts_with("EHLO") {
                "250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8".to_string()
            } else if upper.starts_with("HELO") {
                "250 sink".into()
            } else if upper.starts_with("MAIL FROM:") {
                from = address(&cmd[10..]);
                to.clear();
                "250 2.1.0 ok".into()
            } else if upper.starts_with("RCPT TO:") {
                let addr = address(&cmd[8..]);
                let scripted = {
                    let mut s = lock(&self.script);
                    s.rcpt.get_mut(&addr.to_lowercase()).and_then(|r| (!r.is_empty()).then(|| r.remove(0)))
                };
                match scripted {
                    Some(r) => r,
                    None => {
                        to.push(addr);
                        "250 2.1.5 ok".into()
                    }
                }
            } else if upper == "DATA" {
                write.write_all(b"354 end with .\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let delay = lock(&self.script).delay;
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let mail = Mail { from: from.clone(), to: std::mem::take(&mut to), data };
                self.received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if !lock(&self.script).discard {
                    lock(&self.mails).push(mail);
                }
                "250 2.0.0 queued".into()
            } else if upper == "QUIT" {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            } else {
                // RSET, NOOP and the rest.
                "250 2.0.0 ok".into()
            };
            write.write_all(format!("{reply}\r\n").as_bytes()).await?;
        }
    }
}

fn address(arg: &str) -> String {
    let arg = arg.trim();
    let inner = arg.split_once('<').and_then(|(_, r)| r.split_once('>')).map(|(a, _)| a).unwrap_or(arg);
    inner.trim().to_string()
}
