//! Outbound HTTP that a store operator's configuration cannot turn against the server's own
//! network (SSRF). Every address a request would connect to is checked after name
//! resolution, so a public name that resolves to `127.0.0.1` is refused as surely as the
//! literal address: loopback, private, link-local, shared (CGNAT), multicast, broadcast,
//! documentation and unspecified addresses are refused unless the operator allows private
//! targets (`--allow-private-endpoints`, for tests and closed networks). Redirects are not
//! followed (Magento's `post_maxredirects` is 0, and a redirect could lead anywhere) and
//! proxies from the environment are ignored.
//!
//! Generic on purpose: integration activation posts forms now; webhooks will reuse it.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Why an outbound request did not get a 2xx answer.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("{0} is not a valid http(s) URL")]
    InvalidUrl(String),
    #[error(
        "{0} is refused: it is a loopback, private, link-local or otherwise non-public address (allow private endpoints to permit it)"
    )]
    Forbidden(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the connection was refused or failed: {0}")]
    Connect(String),
    #[error("the endpoint answered HTTP {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the request failed: {0}")]
    Other(String),
}

/// Who may be reached.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Allow loopback and private targets (tests, closed networks). Off by default.
    pub allow_private: bool,
}

/// A successful (2xx) answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

#[derive(Clone)]
pub struct OutboundClient {
    client: reqwest::Client,
    policy: Policy,
}

impl OutboundClient {
    /// Fails only when the TLS stack cannot be set up (no usable certificate store).
    pub fn new(policy: Policy) -> Result<OutboundClient, OutboundError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(CheckedResolver { policy }))
            .user_agent(concat!("storegate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OutboundError::Other(format!("cannot set up the HTTP client: {e}")))?;
        Ok(OutboundClient { client, policy })
    }

    /// POSTs `fields` form-encoded; answers the reply if it is 2xx within `timeout`.
    pub async fn post_form(
        &self,
        url: &str,
        fields: &[(&str, &str)],
        timeout: Duration,
    ) -> Result<Answer, OutboundError> {
        let parsed = self.check_url(url)?;
        let body = serde_urlencoded::to_string(fields).map_err(|e| OutboundError::Other(e.to_string()))?;
        let request = self
            .client
            .post(parsed)
            .timeout(timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        let response = request.send().await.map_err(|e| classify(e, timeout))?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        if (200..300).contains(&status) {
            Ok(Answer { status, body })
        } else {
            Err(OutboundError::Status { status, body: body.chars().take(200).collect() })
        }
    }

    /// Only http(s) URLs; a literal IP address is checked here, as no resolver sees it.
    fn check_url(&self, url: &str) -> Result<reqwest::Url, OutboundError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| OutboundError::InvalidUrl(url.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(OutboundError::InvalidUrl(url.to_owned()));
        }
        let ip = match parsed.host() {
            Some(::url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(::url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(::url::Host::Domain(_)) => None,
            None => return Err(OutboundError::InvalidUrl(url.to_owned())),
        };
        if let Some(ip) = ip
            && !self.policy.permits(ip)
        {
            return Err(OutboundError::Forbidden(ip.to_string()));
        }
        Ok(parsed)
    }
}

impl Policy {
    /// Whether connecting to `ip` is allowed.
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || is_public(ip)
    }
}

/// Globally routable unicast addresses only.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        // 100.64.0.0/10, shared address space (carrier-grade NAT)
        || (a == 100 && (64..128).contains(&b))
        // 198.18.0.0/15, benchmarking
        || (a == 198 && (b == 18 || b == 19))
        // 240.0.0.0/4, reserved
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // fc00::/7 unique local, fe80::/10 link-local, 2001:db8::/32 documentation
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

/// Resolves with the system resolver, then keeps only permitted addresses; a name whose
/// every address is refused fails the request before any connection is made.
struct CheckedResolver {
    policy: Policy,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.iter().copied().filter(|a| policy.permits(a.ip())).collect();
            if allowed.is_empty() {
                let shown = found.first().map_or(host.clone(), |a| format!("{host} ({})", a.ip()));
                return Err(Box::new(OutboundError::Forbidden(shown)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// Names the failure the way an operator needs it: refused by policy, timed out, or no
/// connection.
fn classify(e: reqwest::Error, timeout: Duration) -> OutboundError {
    if e.is_timeout() {
        return OutboundError::Timeout(timeout);
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(OutboundError::Forbidden(what)) = s.downcast_ref::<OutboundError>() {
            return OutboundError::Forbidden(what.clone());
        }
        source = s.source();
    }
    if e.is_connect() {
        let detail = std::error::Error::source(&e).map_or_else(|| e.to_string(), |s| s.to_string());
        return OutboundError::Connect(detail);
    }
    OutboundError::Other(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass_by_default() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(refused.parse().unwrap()), "{refused}");
        }
        for allowed in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(allowed.parse().unwrap()), "{allowed}");
        }
        assert!(Policy { allow_private: true }.permits("127.0.0.1".parse().unwrap()));
    }

    #[tokio::test]
    async fn private_targets_are_refused_before_connecting() {
        let client = OutboundClient::new(Policy::default()).unwrap();
        let t = Duration::from_secs(2);
        let e = client.post_form("http://127.0.0.1:9/x", &[("a", "b")], t).await.unwrap_err();
        assert!(matches!(e, OutboundError::Forbidden(_)), "{e}");
        // A name resolving to loopback is refused too.
        let e = client.post_form("http://localhost:9/x", &[("a", "b")], t).await.unwrap_err();
        assert!(matches!(e, OutboundError::Forbidden(_)), "{e}");
        let e = client.post_form("ftp://example.com/x", &[], t).await.unwrap_err();
        assert!(matches!(e, OutboundError::InvalidUrl(_)), "{e}");
    }

    #[tokio::test]
    async fn posts_forms_and_reports_statuses_and_refusals() {
        use axum::routing::post;
        let app = axum::Router::new()
            .route("/ok", post(|body: String| async move { body }))
            .route("/bad", post(|| async { (axum::http::StatusCode::BAD_GATEWAY, "nope") }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = OutboundClient::new(Policy { allow_private: true }).unwrap();
        let t = Duration::from_secs(5);
        let ok = client.post_form(&format!("http://{addr}/ok"), &[("k", "a b&c")], t).await.unwrap();
        assert_eq!(ok.body, "k=a+b%26c");
        let e = client.post_form(&format!("http://{addr}/bad"), &[], t).await.unwrap_err();
        assert!(matches!(e, OutboundError::Status { status: 502, .. }), "{e}");
        // A port nobody listens on: refused, over http and https alike.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        for scheme in ["http", "https"] {
            let e = client.post_form(&format!("{scheme}://{closed}/x"), &[], t).await.unwrap_err();
            assert!(matches!(e, OutboundError::Connect(_)), "{scheme}: {e}");
        }
        // TLS to a plain-HTTP server fails as a connection failure, not a panic.
        let e = client.post_form(&format!("https://{addr}/ok"), &[], t).await.unwrap_err();
        assert!(matches!(e, OutboundError::Connect(_) | OutboundError::Other(_)), "{e}");
    }
}
