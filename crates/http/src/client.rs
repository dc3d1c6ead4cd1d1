//! Who is on the other end of a request: the peer's address, or, behind a proxy that the
//! operator trusts, the address that proxy saw. Rate limits and the sign-in lockout key on it.

use axum::extract::Request;
use std::net::IpAddr;

/// The TCP peer of a connection, put on every request it carries by [`crate::serve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer(pub IpAddr);

/// The client's address: the peer's, unless the peer is a trusted proxy, in which case the
/// right-most `X-Forwarded-For` hop that is not itself a trusted proxy (hops further left were
/// written by the client and prove nothing). `None` when the request came through no socket
/// (an embedding router, a test harness).
pub fn address(req: &Request, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.extensions().get::<Peer>()?.0;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let hops: Vec<IpAddr> =
        forwarded.flat_map(|v| v.split(',')).filter_map(|hop| hop.trim().parse::<IpAddr>().ok()).collect();
    Some(hops.into_iter().rev().find(|hop| !trusted.contains(hop)).unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, forwarded: Option<&str>) -> Request {
        let mut builder = axum::http::Request::builder().uri("/");
        if let Some(f) = forwarded {
            builder = builder.header("x-forwarded-for", f);
        }
        let mut req = builder.body(axum::body::Body::empty()).unwrap();
        req.extensions_mut().insert(Peer(peer.parse().unwrap()));
        req
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        // Not trusted: the header is the client's own claim.
        assert_eq!(address(&request("192.0.2.7", Some("203.0.113.9")), &[proxy]), Some("192.0.2.7".parse().unwrap()));
        // Trusted: the right-most hop the proxy appended; the spoofed left one is ignored.
        let req = request("10.0.0.1", Some("1.1.1.1, 203.0.113.9"));
        assert_eq!(address(&req, &[proxy]), Some("203.0.113.9".parse().unwrap()));
        // Trusted proxy with no header: the proxy itself.
        assert_eq!(address(&request("10.0.0.1", None), &[proxy]), Some(proxy));
    }
}
