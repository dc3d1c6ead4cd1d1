//! Building the application is separate from running it (as in zero-to-production): the
//! binary and the tests use the same [`Application::build`], tests on port 0.

use crate::config::Config;
use anyhow::Context;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use storegate_api::Settings;
use storegate_db::{Db, migrate};
use storegate_domain::tenancy::{self, BootstrapOptions, Bootstrapped};
use storegate_domain::tokens::Throttle;
use storegate_http::{App, HttpConfig};

/// Connects, migrates and bootstraps: what every command needs before it can work.
pub async fn prepare(config: &Config) -> anyhow::Result<(Db, Bootstrapped)> {
    let db = Db::connect(&config.connect_options())
        .await
        .with_context(|| format!("cannot open {}", config.database_description()))?;
    migrate::run(&db).await.with_context(|| format!("cannot migrate {}", config.database_description()))?;
    let boot = tenancy::bootstrap(
        &db,
        &BootstrapOptions {
            admin_username: config.admin_user.clone(),
            admin_password: config.admin_password.as_ref().map(|s| s.expose().to_owned()),
            base_url: config.base_url.clone(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("first-start setup failed: {e}"))?;
    Ok((db, boot))
}

pub fn settings(config: &Config) -> Settings {
    Settings {
        admin_token_lifetime: config.admin_token_ttl,
        customer_token_lifetime: config.customer_token_ttl,
        throttle: Throttle {
            max_failures: config.lockout_failures,
            lock: time::Duration::try_from(config.lockout_duration).unwrap_or(time::Duration::minutes(30)),
        },
        base_url: config.base_url.clone(),
    }
}

pub struct Application {
    listener: tokio::net::TcpListener,
    app: App,
    grace: Duration,
    pub db: Db,
    pub bootstrapped: Bootstrapped,
}

impl Application {
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        let (db, bootstrapped) = prepare(config).await?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let http = HttpConfig {
            body_limit: config.body_limit,
            request_timeout: config.request_timeout,
            magento_status_compat: config.magento_status_compat,
        };
        let app = App::new(db.clone(), bootstrapped.tenant, settings(config), &http).map_err(anyhow::Error::msg)?;
        Ok(Application { listener, app, grace: config.shutdown_grace, db, bootstrapped })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests (up to the
    /// grace period) and returns.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections, finishing requests in flight");
            let _ = stopping_tx.send(());
        };
        let serve = storegate_http::serve(self.listener, self.app, signal);
        tokio::pin!(serve);
        tokio::select! {
            result = &mut serve => result.context("server failed"),
            _ = async { let _ = stopping_rx.await; tokio::time::sleep(self.grace).await } => {
                tracing::warn!(grace = ?self.grace, "requests still running after the grace period; stopping anyway");
                Ok(())
            }
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
