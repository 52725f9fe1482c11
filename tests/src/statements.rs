//! A PostgreSQL wire-protocol relay that records the statements its clients run, for tests
//! that hold a request to a number of queries. It reads only the client's side of the
//! conversation: a simple query (`Q`) or an execute (`E`) of a prepared statement is one
//! statement, recorded with its SQL (from the `Parse` that named it and the `Bind` that chose
//! it); the server's answers pass through untouched.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The protocol codes of the untyped requests a client may send before its startup message.
const SSL_REQUEST: u32 = 80_877_103;
const GSSENC_REQUEST: u32 = 80_877_104;

type Executed = Arc<Mutex<Vec<String>>>;

pub struct StatementCounter {
    addr: SocketAddr,
    statements: Executed,
    accept: tokio::task::JoinHandle<()>,
}

impl StatementCounter {
    /// Relays to the server that `upstream` (a connection URL's options) points at.
    pub async fn start(upstream: &PgConnectOptions) -> Self {
        let server = format!("{}:{}", upstream.get_host(), upstream.get_port());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let addr = listener.local_addr().expect("relay address");
        let statements = Executed::default();
        let counter = statements.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = TcpStream::connect(&server)
                    .await
                    .expect("connect PostgreSQL");
                tokio::spawn(relay(client, server, counter.clone()));
            }
        });
        Self {
            addr,
            statements,
            accept,
        }
    }

    /// A pool whose connections go through the relay, without TLS so it can read them.
    pub async fn pool(&self, upstream: &PgConnectOptions, max: u32) -> PgPool {
        let options = upstream
            .clone()
            .host(&self.addr.ip().to_string())
            .port(self.addr.port())
            .ssl_mode(PgSslMode::Disable);
        PgPoolOptions::new()
            .max_connections(max)
            .min_connections(max)
            .connect_with(options)
            .await
            .expect("connect through the relay")
    }

    /// The SQL of every statement run through the relay so far, in order.
    pub fn executed(&self) -> Vec<String> {
        self.statements.lock().expect("statement list").clone()
    }
}

impl Drop for StatementCounter {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn relay(client: TcpStream, server: TcpStream, statements: Executed) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let answers = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    });
    let _ = count_requests(&mut client_read, &mut server_write, &statements).await;
    answers.abort();
}

/// The text of a NUL-terminated string at the start of `bytes`, and what follows it.
fn c_string(bytes: &[u8]) -> (String, &[u8]) {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let rest = bytes.get(end + 1..).unwrap_or_default();
    (String::from_utf8_lossy(&bytes[..end]).into_owned(), rest)
}

async fn count_requests(
    from: &mut (impl AsyncReadExt + Unpin),
    to: &mut (impl AsyncWriteExt + Unpin),
    statements: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    // This connection's prepared statements by name, and the one its last Bind chose.
    let mut prepared: HashMap<String, String> = HashMap::new();
    let mut bound = String::new();
    // Untyped messages (length, then code) until the startup message itself.
    loop {
        let length = from.read_u32().await?;
        let mut body = vec![0; (length as usize).saturating_sub(4)];
        from.read_exact(&mut body).await?;
        to.write_all(&length.to_be_bytes()).await?;
        to.write_all(&body).await?;
        let code = body
            .get(..4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
        if !matches!(code, Some(SSL_REQUEST | GSSENC_REQUEST)) {
            break;
        }
    }
    loop {
        let kind = from.read_u8().await?;
        let length = from.read_u32().await?;
        let mut body = vec![0; (length as usize).saturating_sub(4)];
        from.read_exact(&mut body).await?;
        match kind {
            b'P' => {
                let (name, rest) = c_string(&body);
                prepared.insert(name, c_string(rest).0);
            }
            b'B' => {
                let (_portal, rest) = c_string(&body);
                let name = c_string(rest).0;
                bound = prepared.get(&name).cloned().unwrap_or(name);
            }
            b'E' => statements
                .lock()
                .expect("statement list")
                .push(bound.clone()),
            b'Q' => statements
                .lock()
                .expect("statement list")
                .push(c_string(&body).0),
            _ => {}
        }
        to.write_all(&[kind]).await?;
        to.write_all(&length.to_be_bytes()).await?;
        to.write_all(&body).await?;
    }
}
