//! The mailbox over IMAP: `imaps://USER@HOST[:PORT]/MAILBOX` with the password from
//! `INNOPRESS_IMAP_PASSWORD`; TLS from the first byte, or plain `imap://` to a loopback
//! address only. Messages are read with `BODY.PEEK[]`, so reading marks nothing as read;
//! handled messages get the keyword `innopress` (or `\Seen` where the server allows no
//! keywords) and are not fetched again.

use super::Incoming;
use super::limits::MAX_MESSAGE;
use futures_util::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::time::Duration;

/// The keyword handled messages get.
pub const KEYWORD: &str = "innopress";
/// The keyword of messages listed for a person: not fetched again, not taken as handled.
pub const KEYWORD_LEFT: &str = "innopress-left";
/// At most this many messages…
pub const MAX_PER_RUN: usize = 500;
/// …and this many bytes of them are read in one run.
pub const MAX_BYTES_PER_RUN: u64 = 100 << 20;

#[derive(Clone)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub user: String,
    pub password: SecretString,
    pub mailbox: String,
    pub ca_pem: Option<Vec<u8>>,
    pub timeout: Duration,
}

impl std::fmt::Debug for Target {
    // never prints the password
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("{0}")]
    Url(String),
    #[error("IMAP server {host}: {message}")]
    Server { host: String, message: String },
}

/// Parses the mailbox url; `password` from the environment.
pub fn parse_url(
    url: &str,
    password: Option<SecretString>,
    ca_pem: Option<Vec<u8>>,
) -> Result<Target, ImapError> {
    let bad = |m: &str| {
        ImapError::Url(format!(
            "IMAP url `{}`: {m}",
            crate::subscribers::printable(url)
        ))
    };
    let u = url::Url::parse(url).map_err(|e| {
        bad(&format!(
            "{e}; write it as imaps://user@mail.example.org/INBOX"
        ))
    })?;
    let tls = match u.scheme() {
        "imaps" => true,
        "imap" => false,
        _ => {
            return Err(bad(
                "must start with imaps:// (or imap:// to this computer)",
            ));
        }
    };
    if u.password().is_some() {
        return Err(bad(
            "do not put the password in the url: set INNOPRESS_IMAP_PASSWORD instead",
        ));
    }
    let host = u
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| bad("no host"))?
        .to_string();
    let user = percent_encoding::percent_decode_str(u.username())
        .decode_utf8_lossy()
        .into_owned();
    if user.is_empty() {
        return Err(bad(
            "no user name: imaps://USER@HOST/INBOX (an @ in the user name is written %40)",
        ));
    }
    let loopback = crate::smtp::is_loopback(&host);
    if !tls && !loopback {
        return Err(bad(
            "imap:// sends the password in the clear: use imaps:// (port 993), or imap:// only to this computer",
        ));
    }
    let mailbox = percent_encoding::percent_decode_str(u.path().trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned();
    let mailbox = if mailbox.is_empty() {
        "INBOX".to_string()
    } else {
        mailbox
    };
    if mailbox.contains(|c: char| c.is_control() || c == '"' || c == '\\') {
        return Err(bad(
            "the mailbox name has a quote, a backslash or a control character",
        ));
    }
    let password = password.ok_or_else(|| {
        ImapError::Url("set INNOPRESS_IMAP_PASSWORD to the mailbox's password".into())
    })?;
    Ok(Target {
        port: u.port().unwrap_or(if tls { 993 } else { 143 }),
        host,
        tls,
        user,
        password,
        mailbox,
        ca_pem,
        timeout: Duration::from_secs(30),
    })
}

/// What was fetched, and whether the server takes keywords.
pub struct Fetched {
    pub messages: Vec<Incoming>,
    pub skipped: Vec<String>,
    /// Messages left for the next run (more than one run takes).
    pub waiting: usize,
    pub keywords: bool,
}

/// What one run takes of the messages, by size: one over the limit is left (and said), the
/// rest beyond the run's caps waits for the next, so a flood of mail cannot make every run
/// run out of memory or time.
fn take(sizes: Vec<(u32, u32)>, mailbox: &str, out: &mut Fetched) -> Vec<(u32, u64)> {
    let mut wanted: Vec<(u32, u64)> = Vec::new();
    let mut total = 0u64;
    for (uid, size) in sizes {
        let size = u64::from(size);
        if size > MAX_MESSAGE {
            out.skipped.push(format!(
                "{} uid {uid}: larger than {} MB, not read",
                mailbox,
                MAX_MESSAGE >> 20
            ));
        } else if wanted.len() >= MAX_PER_RUN || total + size > MAX_BYTES_PER_RUN {
            out.waiting += 1;
        } else {
            total += size;
            wanted.push((uid, size));
        }
    }
    wanted
}

/// Fetches every message not yet handled.
pub fn fetch(t: &Target) -> Result<Fetched, ImapError> {
    runtime(t)?.block_on(async {
        let mut s = Session::open(t).await?;
        let out = s.fetch(t).await;
        s.close().await;
        out
    })
}

/// Marks the messages with `uids` with `keyword` (or `\Seen` where keywords are not kept).
pub fn flag(t: &Target, uids: &[u32], keywords: bool, keyword: &str) -> Result<(), ImapError> {
    if uids.is_empty() {
        return Ok(());
    }
    runtime(t)?.block_on(async {
        let mut s = Session::open(t).await?;
        let (host, timeout) = (s.host.clone(), s.timeout);
        if let Err(e) = timed(&host, timeout, s.inner.select(&t.mailbox)).await {
            s.close().await;
            return Err(e);
        }
        let flag = if keywords { keyword } else { "\\Seen" };
        let mut result = Ok(());
        for chunk in uids.chunks(500) {
            let set = uid_set(chunk);
            let r = timed(&host, timeout, async {
                let mut stream = s
                    .inner
                    .uid_store(&set, format!("+FLAGS.SILENT ({flag})"))
                    .await?;
                while let Some(item) = stream.next().await {
                    item?;
                }
                Ok::<_, async_imap::error::Error>(())
            })
            .await;
            if let Err(e) = r {
                result = Err(e);
                break;
            }
        }
        if result.is_ok() {
            // a refused STORE can end without an error: ask the server what it kept
            let query = if keywords {
                format!("UNKEYWORD {flag}")
            } else {
                "UNSEEN".into()
            };
            match timed(&host, timeout, s.inner.uid_search(&query)).await {
                Ok(left) => {
                    let missed = uids.iter().filter(|u| left.contains(u)).count();
                    if missed > 0 {
                        result = Err(ImapError::Server {
                            host: host.clone(),
                            message: format!("{missed} message(s) did not keep the mark {flag}"),
                        });
                    }
                }
                Err(e) => result = Err(e),
            }
        }
        s.close().await;
        result
    })
}

/// A UID set as IMAP writes it: `3,5,8`.
fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn runtime(t: &Target) -> Result<tokio::runtime::Runtime, ImapError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ImapError::Server {
            host: t.host.clone(),
            message: e.to_string(),
        })
}

/// `f` with the session's deadline; errors worded with the host.
async fn timed<T>(
    host: &str,
    timeout: Duration,
    f: impl std::future::Future<Output = Result<T, async_imap::error::Error>>,
) -> Result<T, ImapError> {
    let server = |message: String| ImapError::Server {
        host: host.to_string(),
        message,
    };
    match tokio::time::timeout(timeout, f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(server(e.to_string())),
        Err(_) => Err(server(format!("no answer within {} s", timeout.as_secs()))),
    }
}

trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug> Stream
    for T
{
}

struct Session {
    inner: async_imap::Session<Box<dyn Stream>>,
    host: String,
    timeout: Duration,
}

impl Session {
    async fn open(t: &Target) -> Result<Session, ImapError> {
        let err = |message: String| ImapError::Server {
            host: t.host.clone(),
            message,
        };
        let connect = async {
            let tcp = tokio::net::TcpStream::connect((t.host.as_str(), t.port))
                .await
                .map_err(|e| err(format!("cannot connect to port {}: {e}", t.port)))?;
            let _ = tcp.set_nodelay(true);
            let stream: Box<dyn Stream> = if t.tls {
                let config = tls_config(t.ca_pem.as_deref())?;
                let name = rustls_pki_types::ServerName::try_from(t.host.clone())
                    .map_err(|e| err(format!("not a server name: {e}")))?;
                let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
                    .connect(name, tcp)
                    .await
                    .map_err(|e| err(format!("TLS: {e} (a server with its own certificate authority needs [inbox] ca_file)")))?;
                Box::new(tls)
            } else {
                Box::new(tcp)
            };
            let mut client = async_imap::Client::new(stream);
            client
                .read_response()
                .await
                .map_err(|e| err(format!("no greeting: {e}")))?
                .ok_or_else(|| err("closed the connection before greeting".into()))?;
            client
                .login(&t.user, t.password.expose_secret())
                .await
                .map_err(|(e, _)| err(format!("login as {} refused: {e}", t.user)))
        };
        let inner = tokio::time::timeout(t.timeout, connect)
            .await
            .map_err(|_| err(format!("no answer within {} s", t.timeout.as_secs())))??;
        Ok(Session {
            inner,
            host: t.host.clone(),
            timeout: t.timeout,
        })
    }

    async fn fetch(&mut self, t: &Target) -> Result<Fetched, ImapError> {
        let (host, timeout) = (self.host.clone(), self.timeout);
        let mailbox = timed(&host, timeout, self.inner.select(&t.mailbox)).await?;
        let keywords = mailbox.permanent_flags.iter().any(|f| {
            matches!(f, async_imap::types::Flag::MayCreate)
                || matches!(f, async_imap::types::Flag::Custom(c) if c == KEYWORD)
        });
        let query = if keywords {
            format!("UNKEYWORD {KEYWORD} UNKEYWORD {KEYWORD_LEFT}")
        } else {
            "UNSEEN".to_string()
        };
        let mut uids: Vec<u32> = timed(&host, timeout, self.inner.uid_search(&query))
            .await?
            .into_iter()
            .collect();
        uids.sort_unstable();
        let mut out = Fetched {
            messages: Vec::new(),
            skipped: Vec::new(),
            waiting: 0,
            keywords,
        };
        // sizes first: a message over the limit is never downloaded
        let sizes = self.sizes(&uids, &host, timeout).await?;
        let wanted = take(sizes, &t.mailbox, &mut out);
        // bodies in batches of at most 20 messages or 20 MB, each with its own deadline
        let mut batch: Vec<u32> = Vec::new();
        let mut bytes = 0u64;
        for (n, &(uid, size)) in wanted.iter().enumerate() {
            batch.push(uid);
            bytes += size;
            let last = n + 1 == wanted.len();
            if !(last || batch.len() >= 20 || bytes >= 20 << 20) {
                continue;
            }
            let set = uid_set(&batch);
            let deadline = timeout + Duration::from_secs(bytes >> 20);
            let bodies: Vec<(u32, Vec<u8>, Option<i64>)> = timed(&host, deadline, async {
                let mut v = Vec::new();
                let mut s = self
                    .inner
                    .uid_fetch(&set, "(UID INTERNALDATE BODY.PEEK[])")
                    .await?;
                while let Some(f) = s.next().await {
                    let f = f?;
                    // the server's own arrival time, not the Date its sender wrote
                    let arrived = f.internal_date().map(|d| d.timestamp());
                    if let (Some(uid), Some(body)) = (f.uid, f.body()) {
                        // a server may send more than it announced: never hold more
                        if body.len() as u64 <= MAX_MESSAGE {
                            v.push((uid, body.to_vec(), arrived));
                        }
                    }
                }
                Ok(v)
            })
            .await?;
            for (uid, raw, arrived) in bodies {
                out.messages.push(Incoming {
                    origin: format!("{} uid {uid}", t.mailbox),
                    raw,
                    uid: Some(uid),
                    arrived,
                });
            }
            batch.clear();
            bytes = 0;
        }
        Ok(out)
    }

    /// Each message's size, sorted by UID.
    async fn sizes(
        &mut self,
        uids: &[u32],
        host: &str,
        timeout: Duration,
    ) -> Result<Vec<(u32, u32)>, ImapError> {
        let mut sizes: Vec<(u32, u32)> = Vec::new();
        for chunk in uids.chunks(500) {
            let set = uid_set(chunk);
            sizes.extend(
                timed(host, timeout, async {
                    let mut v = Vec::new();
                    let mut s = self.inner.uid_fetch(&set, "(UID RFC822.SIZE)").await?;
                    while let Some(f) = s.next().await {
                        let f = f?;
                        if let (Some(uid), Some(size)) = (f.uid, f.size) {
                            v.push((uid, size));
                        }
                    }
                    Ok(v)
                })
                .await?,
            );
        }
        sizes.sort_unstable();
        Ok(sizes)
    }

    async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.inner.logout()).await;
    }
}

/// The web's root certificates, and the site's own CA when `ca_file` names one.
fn tls_config(ca_pem: Option<&[u8]>) -> Result<rustls::ClientConfig, ImapError> {
    let err = |m: String| ImapError::Url(m);
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = ca_pem {
        let mut any = false;
        for cert in rustls_pki_types::CertificateDer::pem_slice_iter(pem) {
            let cert =
                cert.map_err(|e| err(format!("[inbox] ca_file is not a PEM certificate: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| err(format!("[inbox] ca_file: {e}")))?;
            any = true;
        }
        if !any {
            return Err(err("[inbox] ca_file holds no certificate".into()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_url(
            "imaps://news%40x.org@mail.x.org/Lists%2Fnews",
            Some("p".into()),
            None,
        )
        .unwrap();
        assert_eq!(
            (
                t.user.as_str(),
                t.host.as_str(),
                t.port,
                t.mailbox.as_str(),
                t.tls
            ),
            ("news@x.org", "mail.x.org", 993, "Lists/news", true)
        );
        assert!(parse_url("imap://news@mail.x.org/INBOX", Some("p".into()), None).is_err());
        assert!(parse_url("imap://news@127.0.0.1:1143", Some("p".into()), None).is_ok());
        assert!(
            parse_url("imaps://news:pw@mail.x.org/", Some("p".into()), None)
                .unwrap_err()
                .to_string()
                .contains("INNOPRESS_IMAP_PASSWORD")
        );
        assert!(parse_url("imaps://news@mail.x.org/", None, None).is_err());
        assert!(
            !format!(
                "{:?}",
                parse_url("imaps://n@h/", Some("hunter2".into()), None).unwrap()
            )
            .contains("hunter2")
        );
    }
}
