//! HTTP over hyper: one-off requests for setting up scenarios (sign in, sample SKUs), and
//! the keep-alive connection every load scenario sends its requests on.

use anyhow::Context;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// Sends one request on a connection of its own and answers the status and body.
pub async fn request(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> anyhow::Result<(u16, Vec<u8>)> {
    let rest = url.strip_prefix("http://").ok_or_else(|| anyhow::anyhow!("only http:// URLs"))?;
    let (authority, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let mut conn = Connection::open(&format!("http://{authority}")).await?;
    let auth = token.map(|t| ("authorization".to_owned(), format!("Bearer {t}")));
    let (status, bytes) = conn.send(method, &path, auth.as_slice(), body.map(str::to_owned)).await?;
    Ok((status, bytes.to_vec()))
}

pub async fn json(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> anyhow::Result<Value> {
    let (status, bytes) = request(method, url, token, body).await?;
    anyhow::ensure!(status == 200, "{method} {url} answered {status}: {}", String::from_utf8_lossy(&bytes));
    Ok(serde_json::from_slice(&bytes)?)
}

/// An answer other than 200 to [`Connection::call`]: the server spoke, so the connection
/// is still usable (unlike a transport error). Load runs count the two apart.
#[derive(Debug)]
pub struct Status {
    pub message: String,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Status {}

/// One keep-alive HTTP/1.1 connection to a server.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    authority: String,
}

impl Connection {
    /// Connects to `base` (`http://host:port`, without a path).
    pub async fn open(base: &str) -> anyhow::Result<Connection> {
        let authority = base.strip_prefix("http://").context("only http:// URLs")?.trim_end_matches('/').to_owned();
        let stream = tokio::net::TcpStream::connect(&authority).await?;
        let _ = stream.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Connection { sender, authority })
    }

    /// Sends one request and reads the whole answer; an error means the connection is
    /// no longer usable.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<String>,
    ) -> anyhow::Result<(u16, Bytes)> {
        let mut req = Request::builder().method(method).uri(path).header("host", &self.authority);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
        self.sender.ready().await?;
        let resp = self.sender.send_request(req).await?;
        let status = resp.status().as_u16();
        let bytes = resp.into_body().collect().await?.to_bytes();
        Ok((status, bytes))
    }

    /// Sends one request with an optional bearer token and JSON body; an answer other than
    /// 200 is a [`Status`] error carrying the body.
    pub async fn call(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let auth = token.map(|t| ("authorization".to_owned(), format!("Bearer {t}")));
        let (status, bytes) = self.send(method, path, auth.as_slice(), body.map(Value::to_string)).await?;
        if status != 200 {
            return Err(Status {
                message: format!("{method} {path} answered {status}: {}", String::from_utf8_lossy(&bytes)),
            }
            .into());
        }
        Ok(serde_json::from_slice(&bytes)?)
    }
}
