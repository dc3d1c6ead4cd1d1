//! Slow clients cannot hold the server: connections that trickle their headers (slowloris)
//! or their body are cut off at the request timeout, and other clients are served meanwhile.

use crate::helpers::TestServer;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const SLOW_CONNECTIONS: usize = 64;

/// Opens a connection that sends the start of a request, then one byte every 200 ms, and
/// answers what the server finally sent before it closed the connection (`None` if it never
/// closed it).
fn trickle(addr: String, head: &'static str, drip: &'static [u8]) -> std::thread::JoinHandle<Option<String>> {
    std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        // Stop dripping as soon as the server answers or closes: writing on would draw a
        // reset that can discard the answer before it is read.
        stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        for byte in drip.iter().cycle().take(50) {
            let mut probe = [0u8; 1];
            match stream.peek(&mut probe) {
                Ok(_) => break,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
            if stream.write_all(&[*byte]).is_err() {
                break;
            }
        }
        // Ten seconds of dripping, then five of waiting: far above the 2 s timeout under test.
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Some(String::new()),
            Err(_) => None,
        }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_clients_are_cut_off_and_others_are_served() {
    let server = TestServer::start_with(|c| c.request_timeout = Duration::from_secs(2)).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..SLOW_CONNECTIONS {
        slow.push(trickle(addr.clone(), "GET /rest/V1/store/storeViews HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"a"));
    }
    let body_head = "POST /rest/V1/integration/admin/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                     Content-Length: 1000\r\n\r\n{\"username\": \"";
    let slow_body = trickle(addr.clone(), body_head, b"a");

    // While they hang on, everyone else is answered.
    for _ in 0..20 {
        let (status, _) = crate::helpers::status_json(server.get("/rest/V1/directory/countries/US", None).await).await;
        assert_eq!(status, 200);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token = server.admin_token().await;
    assert!(!token.is_empty());

    // The server, not the client, ends each slow connection.
    let cut_off = tokio::task::spawn_blocking(move || slow.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>())
        .await
        .unwrap();
    for answer in &cut_off {
        let answer = answer.as_deref().expect("the server closed the slow connection");
        assert!(!answer.starts_with("HTTP/1.1 200"), "a slowloris request was served: {answer}");
    }
    let answer = tokio::task::spawn_blocking(move || slow_body.join().unwrap()).await.unwrap();
    let answer = answer.expect("the server closed the slow upload");
    assert!(answer.starts_with("HTTP/1.1 408"), "a trickled body is answered 408: {answer}");
    assert!(answer.contains("The request body did not arrive in time."), "{answer}");
}
