//! The SMTP connection: where to send (`[smtp] url` or `INNOPRESS_SMTP_URL`), how to secure
//! it, and how to log in (password only from `INNOPRESS_SMTP_PASSWORD`).
//!
//! Connections are opened by us with `TCP_NODELAY` and handed to lettre: lettre 0.11.23 leaves
//! Nagle's algorithm on, which with the delayed ACKs of the server limits one connection to
//! about 20 messages a second (lettre#1159).
//!
//! One transaction is sent in steps (MAIL, RCPT, DATA, then the message), so that a failure
//! is known to come before the data (safe to retry) or after it (uncertain).

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::ClientId;
use secrecy::{ExposeSecret, SecretString};
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

/// A sending set-up that cannot work: the `[smtp]` settings, the url or the CA file, worded
/// with what to change.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("{0}")]
    Url(String),
    #[error("[smtp] ca_file is not a PEM certificate: {0}")]
    CaFile(#[source] lettre::transport::smtp::Error),
    #[error("TLS setup failed: {0}")]
    TlsSetup(#[source] lettre::transport::smtp::Error),
    #[error("cannot read [smtp] ca_file {}: {source}", path.display())]
    ReadCa {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`smtps://`, port 465).
    Implicit,
    /// STARTTLS, and refuse to go on without it.
    StartTlsRequired,
    /// STARTTLS when the server offers it (loopback only by default).
    StartTlsOpportunistic,
    /// No TLS at all: allowed only to a loopback address.
    None,
}

#[derive(Clone)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub ca_pem: Option<Vec<u8>>,
    pub timeout: Duration,
}

impl std::fmt::Debug for Target {
    // never prints the password
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Parses `smtp://host[:port][?tls=required|opportunistic|none]` or `smtps://host[:port]`.
pub fn parse_url(
    url: &str,
    username: Option<String>,
    password: Option<SecretString>,
    ca_pem: Option<Vec<u8>>,
) -> Result<Target, SmtpError> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        SmtpError::Url(format!(
            "SMTP url `{url}` must start with smtp:// or smtps://"
        ))
    })?;
    let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = authority.trim_end_matches('/');
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    if userinfo.is_some_and(|u| u.contains(':')) {
        return Err(SmtpError::Url(
            "do not put the SMTP password in the url: set INNOPRESS_SMTP_PASSWORD instead".into(),
        ));
    }
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || p.chars().all(|c| c.is_ascii_digit()) => (
            h.to_string(),
            Some(
                p.parse::<u16>()
                    .map_err(|_| SmtpError::Url(format!("`{p}` is not a port number")))?,
            ),
        ),
        _ => (hostport.to_string(), None),
    };
    if host.is_empty() {
        return Err(SmtpError::Url(format!("SMTP url `{url}` has no host")));
    }
    let loopback = is_loopback(&host);
    let tls = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("tls="))
        .map(str::to_ascii_lowercase);
    let (security, default_port) = match (scheme, tls.as_deref()) {
        ("smtps", _) => (Security::Implicit, 465),
        ("smtp", Some("required")) => (Security::StartTlsRequired, 587),
        ("smtp", Some("opportunistic")) if loopback => (Security::StartTlsOpportunistic, 587),
        ("smtp", Some("none")) if loopback => (Security::None, 25),
        ("smtp", Some("opportunistic" | "none")) => {
            return Err(SmtpError::Url(format!(
                "refusing to send without TLS to `{host}`, which is not a loopback address: use tls=required or smtps://"
            )));
        }
        ("smtp", None) if loopback => (Security::StartTlsOpportunistic, 587),
        ("smtp", None) => (Security::StartTlsRequired, 587),
        ("smtp", Some(other)) => {
            return Err(SmtpError::Url(format!(
                "unknown tls mode `{other}`: use required, opportunistic or none"
            )));
        }
        (other, _) => {
            return Err(SmtpError::Url(format!(
                "unknown scheme `{other}://`: use smtp:// or smtps://"
            )));
        }
    };
    Ok(Target {
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
        port: port.unwrap_or(default_port),
        security,
        username: userinfo.map(str::to_string).or(username),
        password,
        ca_pem,
        timeout: Duration::from_secs(30),
    })
}

fn tls_parameters(t: &Target) -> Result<TlsParameters, SmtpError> {
    let mut b = TlsParameters::builder(t.host.clone());
    if let Some(pem) = &t.ca_pem {
        b = b.add_root_certificate(Certificate::from_pem(pem).map_err(SmtpError::CaFile)?);
    }
    b.build_rustls().map_err(SmtpError::TlsSetup)
}

/// Why a connection could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectError {
    /// Network or TLS trouble: worth retrying later.
    Temporary(String),
    /// Login refused, TLS required but not offered, and the like: retrying will not help.
    Fatal(String),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Temporary(m) | ConnectError::Fatal(m) => f.write_str(m),
        }
    }
}

/// Opens a connection: TCP with TCP_NODELAY, greeting, EHLO, TLS as configured, AUTH.
pub async fn connect(t: &Target) -> Result<AsyncSmtpConnection, ConnectError> {
    let hello = ClientId::default();
    let addr = format!("{}:{}", t.host, t.port);
    let tcp = tokio::time::timeout(t.timeout, tokio::net::TcpStream::connect(&addr))
        .await
        .map_err(|_| ConnectError::Temporary(format!("connecting to {addr} timed out")))?
        .map_err(|e| ConnectError::Temporary(format!("cannot connect to {addr}: {e}")))?;
    tcp.set_nodelay(true)
        .map_err(|e| ConnectError::Temporary(format!("socket setup failed: {e}")))?;
    let mut conn = match t.security {
        Security::Implicit => {
            // lettre needs to own implicit-TLS connections; they keep Nagle's algorithm
            drop(tcp);
            let params = tls_parameters(t).map_err(|e| ConnectError::Fatal(e.to_string()))?;
            tokio::time::timeout(
                t.timeout,
                AsyncSmtpConnection::connect_tokio1(
                    (t.host.as_str(), t.port),
                    Some(t.timeout),
                    &hello,
                    Some(params),
                    None,
                ),
            )
            .await
            .map_err(|_| ConnectError::Temporary(format!("TLS connection to {addr} timed out")))?
            .map_err(|e| ConnectError::Temporary(format!("cannot connect to {addr}: {e}")))?
        }
        _ => tokio::time::timeout(
            t.timeout,
            AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello),
        )
        .await
        .map_err(|_| ConnectError::Temporary(format!("{addr} did not greet in time")))?
        .map_err(|e| ConnectError::Temporary(format!("{addr}: {e}")))?,
    };
    let want_tls = matches!(
        t.security,
        Security::StartTlsRequired | Security::StartTlsOpportunistic
    );
    if want_tls && conn.can_starttls() {
        let params = tls_parameters(t).map_err(|e| ConnectError::Fatal(e.to_string()))?;
        conn.starttls(params, &hello)
            .await
            .map_err(|e| ConnectError::Fatal(format!("STARTTLS with {addr} failed: {e}")))?;
    } else if t.security == Security::StartTlsRequired {
        return Err(ConnectError::Fatal(format!(
            "{addr} does not offer STARTTLS, which is required for a host that is not loopback"
        )));
    }
    if let Some(user) = &t.username {
        let Some(password) = &t.password else {
            return Err(ConnectError::Fatal(
                "an SMTP username is set but INNOPRESS_SMTP_PASSWORD is not".into(),
            ));
        };
        let creds = Credentials::new(user.clone(), password.expose_secret().to_string());
        conn.auth(&[Mechanism::Plain, Mechanism::Login], &creds)
            .await
            .map_err(|e| {
                ConnectError::Fatal(format!(
                    "the SMTP server refused the login for `{user}` ({e}): check [smtp] username and INNOPRESS_SMTP_PASSWORD"
                ))
            })?;
    }
    Ok(conn)
}

/// Reads a CA file named in `[smtp] ca_file`, relative to the site root.
pub fn read_ca(root: &Path, ca_file: Option<&str>) -> Result<Option<Vec<u8>>, SmtpError> {
    match ca_file {
        None => Ok(None),
        Some(f) => {
            let p = root.join(f);
            std::fs::read(&p)
                .map(Some)
                .map_err(|source| SmtpError::ReadCa { path: p, source })
        }
    }
}

/// How one transaction ended, as far as a re-send is concerned.
pub enum Outcome {
    Sent(String),
    Temporary(String, bool),
    Permanent(String),
    Uncertain(String),
}

/// One SMTP transaction in steps, so a failure is known to be before the message data (safe
/// to retry) or after it (uncertain).
pub async fn transact(
    c: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    body: &[u8],
    timeout: Duration,
) -> Outcome {
    use tokio::time::timeout as within;
    let before = |e: lettre::transport::smtp::Error| -> Outcome {
        if e.is_permanent() {
            Outcome::Permanent(e.to_string())
        } else {
            let broken = !e.is_transient();
            Outcome::Temporary(e.to_string(), broken)
        }
    };
    let mut mail_params = vec![];
    if !body.is_ascii() {
        mail_params.push(lettre::transport::smtp::extension::MailParameter::Body(
            lettre::transport::smtp::extension::MailBodyParameter::EightBitMime,
        ));
    }
    let steps: [Box<dyn std::fmt::Display + Send>; 3] = [
        Box::new(Mail::new(envelope.from().cloned(), mail_params)),
        Box::new(Rcpt::new(envelope.to()[0].clone(), vec![])),
        Box::new(Data),
    ];
    for step in steps {
        match within(timeout, c.command(step)).await {
            Err(_) => return Outcome::Temporary("the server did not answer in time".into(), true),
            Ok(Err(e)) => {
                let out = before(e);
                if matches!(out, Outcome::Temporary(_, false) | Outcome::Permanent(_)) {
                    let _ = within(timeout, c.command(Rset)).await;
                }
                return out;
            }
            Ok(Ok(_)) => {}
        }
    }
    match within(timeout, c.message(body)).await {
        Ok(Ok(resp)) => Outcome::Sent(format!(
            "{} {}",
            resp.code(),
            resp.message().collect::<Vec<_>>().join(" ")
        )),
        Ok(Err(e)) if e.is_permanent() => Outcome::Permanent(e.to_string()),
        Ok(Err(e)) if e.is_transient() => Outcome::Temporary(e.to_string(), false),
        Ok(Err(e)) => Outcome::Uncertain(e.to_string()),
        Err(_) => Outcome::Uncertain("no answer after the message data".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_url(
            "smtp://smtp.example.org:587?tls=required",
            Some("u".into()),
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.security),
            ("smtp.example.org", 587, Security::StartTlsRequired)
        );
        let t = parse_url("smtp://relay.example.org", None, None, None).unwrap();
        assert_eq!(
            t.security,
            Security::StartTlsRequired,
            "TLS is required off loopback by default"
        );
        let t = parse_url("smtp://127.0.0.1:2525", None, None, None).unwrap();
        assert_eq!(
            (t.port, t.security),
            (2525, Security::StartTlsOpportunistic)
        );
        let t = parse_url("smtp://localhost:2525?tls=none", None, None, None).unwrap();
        assert_eq!(t.security, Security::None);
        assert!(
            parse_url("smtp://relay.example.org?tls=none", None, None, None)
                .unwrap_err()
                .to_string()
                .contains("refusing")
        );
        assert!(
            parse_url("smtp://u:secret@h", None, None, None)
                .unwrap_err()
                .to_string()
                .contains("INNOPRESS_SMTP_PASSWORD")
        );
        let t = parse_url("smtps://mail.example.org", None, None, None).unwrap();
        assert_eq!((t.port, t.security), (465, Security::Implicit));
        let t = parse_url("smtp://news%40x@[::1]:25", None, None, None).unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.username.as_deref()),
            ("::1", 25, Some("news%40x"))
        );
        assert!(
            !format!(
                "{:?}",
                parse_url("smtp://h", None, Some("pw".into()), None).unwrap()
            )
            .contains("pw")
        );
    }
}
