//! The workspace's binaries as child processes (the operator's `zorgctl`, the services for
//! the SIGTERM tests): where cargo built them, and the environment that points them at the
//! test's own database, namespace and SMS provider.

use std::fs::File;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::infra::config::Config;
use secrecy::ExposeSecret;

use crate::TestPlatform;

/// Time a process may take, after its grace period, to tear down and exit.
pub const EXIT_SLACK: Duration = Duration::from_secs(1);

/// A workspace binary (built by `cargo build --workspace --bins`) next to the test executable.
pub fn binary(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` first",
        path.display()
    );
    path
}

impl TestPlatform {
    /// The environment that makes a child process (a service or zorgctl) use this test's
    /// database, namespace and provider.
    pub fn child_env(&self) -> Vec<(String, String)> {
        use secrecy::ExposeSecret;
        let config = &self.config;
        let delays = config
            .amqp
            .retry_delays
            .iter()
            .map(|d| d.as_millis().to_string())
            .collect::<Vec<_>>()
            .join(",");
        vec![
            (
                "DATABASE_URL".into(),
                config.database.url.expose_secret().to_owned(),
            ),
            (
                "AMQP_URL".into(),
                config.amqp.url.expose_secret().to_owned(),
            ),
            ("AMQP_NAMESPACE".into(), self.namespace.clone()),
            ("AMQP_RETRY_DELAYS_MS".into(), delays),
            ("SMS_PROVIDER_URL".into(), self.sms.url()),
            ("RUST_LOG".into(), "warn".into()),
        ]
    }

    /// Runs zorgctl with this platform's environment; returns its stdout, panics on failure.
    pub fn zorgctl(&self, args: &[&str]) -> String {
        let output = std::process::Command::new(binary("zorgctl"))
            .args(args)
            .envs(self.child_env())
            .output()
            .expect("run zorgctl");
        assert!(
            output.status.success(),
            "zorgctl {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

/// A service binary running as a child process, its output going to a log file in the temp
/// directory whose tail is printed (and which is kept) when the test fails. Killed if the test
/// ends without stopping it.
pub struct ServiceProcess {
    label: String,
    child: tokio::process::Child,
    log: PathBuf,
    terminated_at: Option<Instant>,
}

pub struct Shutdown {
    pub status: ExitStatus,
    /// Time from SIGTERM to exit.
    pub after: Duration,
}

impl ServiceProcess {
    pub fn start(binary: &str, env: &[(String, String)], label: &str) -> Self {
        let path = self::binary(binary);
        let namespace = env
            .iter()
            .find(|(key, _)| key == "AMQP_NAMESPACE")
            .map_or("test", |(_, value)| value.as_str());
        let log = std::env::temp_dir().join(format!("zorgportaal-sigterm-{namespace}-{label}.log"));
        let stdout = File::create(&log).expect("create child log");
        let stderr = stdout.try_clone().expect("share child log");
        let child = tokio::process::Command::new(&path)
            .envs(env.iter().map(|(key, value)| (key, value)))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", path.display()));
        Self {
            label: label.to_owned(),
            child,
            log,
            terminated_at: None,
        }
    }

    /// Sends SIGTERM, as an orchestrator does to stop a container.
    pub fn terminate(&mut self) {
        let pid = self.child.id().expect("the process is still running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid} failed");
        self.terminated_at = Some(Instant::now());
    }

    /// Sends SIGKILL, as a crash or an out-of-memory kill does, and waits for the process to go.
    pub async fn kill(&mut self) {
        self.child.start_kill().expect("kill -9 the child");
        self.child.wait().await.expect("wait for the killed child");
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub async fn wait_for_exit(&mut self, within: Duration) -> Shutdown {
        let status = tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("{} did not exit within {within:?} of SIGTERM", self.label))
            .expect("wait for the child");
        Shutdown {
            status,
            after: self
                .terminated_at
                .map(|at| at.elapsed())
                .unwrap_or_default(),
        }
    }

    /// Stops a process the test no longer needs; it must still exit cleanly.
    pub async fn stop(&mut self, grace: Duration) {
        self.terminate();
        let shutdown = self.wait_for_exit(grace + EXIT_SLACK).await;
        assert!(
            shutdown.status.success(),
            "{} exited with {}",
            self.label,
            shutdown.status
        );
    }

    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "---- last lines of {} ({}) ----\n{}\n----",
                self.label,
                self.log.display(),
                self.log_tail(40)
            );
        } else {
            // Kept only when the test fails.
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// The test platform's whole configuration as the environment variables the services read
/// (`TestPlatform::child_env` covers what zorgctl needs; these tests also change grace
/// periods, the relay batch size and the S3 endpoint).
pub fn service_env(platform: &TestPlatform) -> Vec<(String, String)> {
    let Config {
        database,
        amqp,
        s3,
        smtp,
        sms,
        web,
        worker,
        notifier,
        images,
        phone,
    } = &platform.config;
    let millis = |d: &Duration| d.as_millis().to_string();
    let mut env = vec![
        ("DATABASE_URL", database.url.expose_secret().to_owned()),
        (
            "DATABASE_MAX_CONNECTIONS",
            database.max_connections.to_string(),
        ),
        ("AMQP_URL", amqp.url.expose_secret().to_owned()),
        ("AMQP_NAMESPACE", amqp.namespace.clone()),
        (
            "AMQP_RETRY_DELAYS_MS",
            amqp.retry_delays
                .iter()
                .map(millis)
                .collect::<Vec<_>>()
                .join(","),
        ),
        ("AMQP_PREFETCH", amqp.prefetch.to_string()),
        ("S3_ENDPOINT", s3.endpoint.clone()),
        ("S3_REGION", s3.region.clone()),
        ("S3_BUCKET", s3.bucket.clone()),
        ("S3_ACCESS_KEY_ID", s3.access_key_id.clone()),
        (
            "S3_SECRET_ACCESS_KEY",
            s3.secret_access_key.expose_secret().to_owned(),
        ),
        ("S3_FORCE_PATH_STYLE", s3.force_path_style.to_string()),
        ("SMTP_HOST", smtp.host.clone()),
        ("SMTP_PORT", smtp.port.to_string()),
        ("SMTP_STARTTLS", smtp.starttls.to_string()),
        ("SMTP_FROM", smtp.from_address.clone()),
        ("SMTP_POOL_SIZE", smtp.pool_size.to_string()),
        ("SMTP_TIMEOUT_MS", millis(&smtp.timeout)),
        ("SMS_TIMEOUT_MS", millis(&sms.timeout)),
        ("SMS_PROVIDER_URL", sms.provider_url.clone()),
        (
            "SMS_PROVIDER_ACCESS_KEY",
            sms.access_key.expose_secret().to_owned(),
        ),
        ("SMS_ORIGINATOR", sms.originator.clone()),
        ("WEB_BIND", web.bind.to_string()),
        ("PLATFORM_DOMAIN", web.platform_domain.clone()),
        ("WEB_HTTPS", web.https.to_string()),
        ("WEB_SHUTDOWN_GRACE_MS", millis(&web.shutdown_grace)),
        (
            "WORKER_RELAY_BATCH_SIZE",
            worker.relay_batch_size.to_string(),
        ),
        ("WORKER_RELAY_POLL_MS", millis(&worker.relay_poll_interval)),
        ("WORKER_SHUTDOWN_GRACE_MS", millis(&worker.shutdown_grace)),
        ("NOTIFIER_CONCURRENCY", notifier.concurrency.to_string()),
        (
            "NOTIFIER_SHUTDOWN_GRACE_MS",
            millis(&notifier.shutdown_grace),
        ),
        ("NOTIFIER_CLAIM_LEASE_MS", millis(&notifier.claim_lease)),
        ("PHONE_ALLOWED_COUNTRIES", phone.allowed_countries.join(",")),
        ("SMS_BUDGET_PER_HOUR", phone.budget_per_hour.to_string()),
        (
            "SMS_TENANT_BUDGET_PER_HOUR",
            phone.tenant_budget_per_hour.to_string(),
        ),
        (
            "IMAGE_DECODE_CONCURRENCY",
            images.decode_concurrency.to_string(),
        ),
    ];
    if let Some(username) = &smtp.username {
        env.push(("SMTP_USERNAME", username.clone()));
    }
    if let Some(password) = &smtp.password {
        env.push(("SMTP_PASSWORD", password.expose_secret().to_owned()));
    }
    env.into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}
