//! The workspace's binaries as child processes (the operator's `zorgctl`, the services for
//! the SIGTERM tests): where cargo built them, and the environment that points them at the
//! test's own database, namespace and SMS provider.

use crate::TestPlatform;

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
