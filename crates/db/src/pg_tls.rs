//! TLS to PostgreSQL with libpq's `sslmode` meanings, over rustls and the aws-lc-rs provider
//! that reqwest already builds (no second crypto stack, no system OpenSSL).
//!
//! tokio-postgres itself knows only `disable`, `prefer` and `require`, and refuses unknown
//! options, so [`connect_config`] takes `sslmode` and `sslrootcert` out of the URL, hands
//! tokio-postgres the rest (with `verify-ca`/`verify-full` as `require`), and puts the
//! verification in the rustls configuration instead:
//!
//! | sslmode       | encrypted                      | certificate checked          |
//! |---------------|--------------------------------|------------------------------|
//! | `disable`     | no                             | -                            |
//! | `prefer`      | if the server offers it        | no (libpq's meaning)         |
//! | `require`     | always                         | no (libpq's meaning)         |
//! | `verify-ca`   | always                         | chain to `sslrootcert`       |
//! | `verify-full` | always                         | chain and host name          |
//!
//! `sslrootcert` is a PEM file; absent or `system`, the platform's roots are used.
//! Errors never repeat the URL, which may carry a password.

use crate::DbError;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme};
use std::str::FromStr;
use std::sync::Arc;
use tokio_postgres::config::SslMode as WireMode;
use tokio_postgres_rustls::MakeRustlsConnect;

/// libpq's `sslmode` values (`allow` is not offered: it falls back to plain text first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl FromStr for SslMode {
    type Err = DbError;

    fn from_str(s: &str) -> Result<SslMode, DbError> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => {
                return Err(DbError::Unavailable(format!(
                    "invalid PostgreSQL URL: sslmode must be disable, prefer, require, verify-ca or verify-full, not {s:?}"
                )));
            }
        })
    }
}

impl SslMode {
    fn wire(self) -> WireMode {
        match self {
            SslMode::Disable => WireMode::Disable,
            SslMode::Prefer => WireMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => WireMode::Require,
        }
    }
}

/// The TLS options of a connection string, and the string without them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TlsOptions {
    rest: String,
    mode: SslMode,
    root_cert: Option<String>,
}

/// The tokio-postgres configuration and the TLS connector for a PostgreSQL URL (or libpq
/// `key=value` string).
pub(crate) fn connect_config(url: &str) -> Result<(tokio_postgres::Config, MakeRustlsConnect), DbError> {
    let options = split_tls_options(url)?;
    let mut config = tokio_postgres::Config::from_str(&options.rest)
        .map_err(|e| DbError::Unavailable(format!("invalid PostgreSQL URL: {e}")))?;
    config.ssl_mode(options.mode.wire());
    let tls = MakeRustlsConnect::new(client_config(options.mode, options.root_cert.as_deref())?);
    Ok((config, tls))
}

/// Takes `sslmode` and `sslrootcert` out of a URL's query, or out of a `key=value` string.
fn split_tls_options(url: &str) -> Result<TlsOptions, DbError> {
    let is_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let (head, pairs, sep) = match (is_url, url.split_once('?')) {
        (true, Some((head, query))) => (format!("{head}?"), query, '&'),
        (true, None) => return Ok(TlsOptions { rest: url.to_owned(), mode: SslMode::Prefer, root_cert: None }),
        (false, _) => (String::new(), url, ' '),
    };
    let (mut mode, mut root_cert, mut kept) = (SslMode::Prefer, None, Vec::new());
    for pair in pairs.split(sep).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = if is_url { decode(value)? } else { value.to_owned() };
        match key {
            "sslmode" => mode = value.parse()?,
            "sslrootcert" => root_cert = Some(value),
            _ => kept.push(pair),
        }
    }
    let rest = match (is_url, kept.is_empty()) {
        (true, true) => head.trim_end_matches('?').to_owned(),
        _ => format!("{head}{}", kept.join(&sep.to_string())),
    };
    Ok(TlsOptions { rest, mode, root_cert })
}

fn decode(value: &str) -> Result<String, DbError> {
    percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .map(|v| v.into_owned())
        .map_err(|_| DbError::Unavailable("invalid PostgreSQL URL: a TLS option is not UTF-8".into()))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn client_config(mode: SslMode, root_cert: Option<&str>) -> Result<rustls::ClientConfig, DbError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::Unavailable(format!("TLS set-up: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        // No certificate is checked, but the handshake's signatures still are.
        SslMode::Disable | SslMode::Prefer | SslMode::Require => {
            Arc::new(EncryptOnly(provider.signature_verification_algorithms))
        }
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots(root_cert)?), provider)
                .build()
                .map_err(|e| DbError::Unavailable(format!("TLS set-up: {e}")))?;
            if mode == SslMode::VerifyFull { webpki } else { Arc::new(AnyHostName(webpki)) }
        }
    };
    Ok(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth())
}

/// The trusted roots: the PEM file named by `sslrootcert`, or the platform's.
fn roots(root_cert: Option<&str>) -> Result<RootCertStore, DbError> {
    let mut store = RootCertStore::empty();
    let certs: Vec<CertificateDer<'static>> = match root_cert {
        Some(path) if path != "system" => CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<_, _>>())
            .map_err(|e| DbError::Unavailable(format!("cannot read sslrootcert {path}: {e}")))?,
        _ => rustls_native_certs::load_native_certs().certs,
    };
    let (added, _ignored) = store.add_parsable_certificates(certs);
    if added == 0 {
        return Err(DbError::Unavailable("sslrootcert holds no usable certificate".into()));
    }
    Ok(store)
}

/// `require`/`prefer`: encrypt, accept any certificate (libpq's meaning of these modes).
#[derive(Debug)]
struct EncryptOnly(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// `verify-ca`: the whole web-PKI check except the host name. webpki checks the name last,
/// after the chain, so a name mismatch means the chain was good.
#[derive(Debug)]
struct AnyHostName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(TlsError::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(url: &str) -> TlsOptions {
        split_tls_options(url).expect("valid")
    }

    #[test]
    fn tls_options_leave_the_url_and_the_rest_stays() {
        let o = split("postgres://u:p@db:5433/x?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem&options=-c%20a%3Db");
        assert_eq!(o.mode, SslMode::VerifyFull);
        assert_eq!(o.root_cert.as_deref(), Some("/tmp/ca.pem"));
        assert_eq!(o.rest, "postgres://u:p@db:5433/x?options=-c%20a%3Db");
        let o = split("postgresql://db/x?sslmode=require");
        assert_eq!((o.mode, o.rest.as_str()), (SslMode::Require, "postgresql://db/x"));
        let o = split("postgres://db/x");
        assert_eq!((o.mode, o.root_cert), (SslMode::Prefer, None));
        let o = split("host=db sslmode=disable user=u");
        assert_eq!((o.mode, o.rest.as_str()), (SslMode::Disable, "host=db user=u"));
    }

    #[test]
    fn an_unknown_sslmode_is_refused_without_echoing_the_url() {
        let err = split_tls_options("postgres://u:secret@db/x?sslmode=allow").unwrap_err().to_string();
        assert!(err.contains("sslmode"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn verify_modes_need_a_readable_root_certificate() {
        assert!(connect_config("postgres://db/x?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem").is_err());
        assert!(connect_config("postgres://db/x?sslmode=require").is_ok());
        assert!(connect_config("postgres://db/x").is_ok());
    }
}
