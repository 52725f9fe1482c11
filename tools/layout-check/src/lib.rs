//! Checks the architecture rules of the Zorgportaal repository from its source text alone
//! (no compiler, no parser crate), so it runs in a second and cannot be fooled by a build
//! that happens to succeed:
//!
//! - no import cycle between sibling modules of a crate;
//! - `libs/common/src/infra` refers to no module of `common` outside `infra`;
//! - `begin_tenant(` appears only in the one transaction door, and web handlers never
//!   `.commit()` or `.rollback()` themselves;
//! - the services do not depend on each other.

mod cycles;
mod lexer;
mod rules;
mod scan;
mod tree;

use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

pub use cycles::{ImportCycle, LiftedEdge};
pub use rules::{CodeLocation, LayerBreach};
pub use tree::Evidence;

use rules::TransactionRule;
use tree::CrateGraph;

/// The crates whose module graphs are checked: directory and the name shown for it.
pub const CHECKED_CRATES: [(&str, &str); 5] = [
    ("libs/common", "common"),
    ("services/web", "web"),
    ("services/worker", "worker"),
    ("services/notifier", "notifier"),
    ("tools/zorgctl", "zorgctl"),
];

const LAYERED_CRATE: &str = "libs/common";
const LOWEST_LAYER: &str = "infra";

const TRANSACTIONS: TransactionRule<'static> = TransactionRule {
    door: "libs/common/src/infra/tenancy/tx.rs",
    handler_sources: "services/web/src",
};
/// Besides the checked crates, the code that could open a tenant transaction on its own.
const MORE_TRANSACTION_SOURCES: [&str; 2] = ["tests", "tools/bench"];

const SERVICES: [&str; 3] = ["services/web", "services/worker", "services/notifier"];
/// Dependency keys and package names by which one service could pull in another.
const SERVICE_NAMES: [&str; 6] = [
    "web",
    "worker",
    "notifier",
    "zorgportaal-web",
    "zorgportaal-worker",
    "zorgportaal-notifier",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateSummary {
    pub name: String,
    pub modules: usize,
    /// Distinct module-to-module edges, a module's references to itself not counted.
    pub edges: usize,
    pub cycles: usize,
}

#[derive(Debug, Clone)]
pub enum Violation {
    ImportCycle {
        /// The parent module whose children form the cycle, e.g. `common::accounts`.
        parent: String,
        cycle: ImportCycle,
    },
    Layer(LayerBreach),
    Transaction(CodeLocation),
    ServiceDependency(CodeLocation),
}

#[derive(Debug, Clone)]
pub struct Report {
    pub crates: Vec<CrateSummary>,
    pub violations: Vec<Violation>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Runs every rule on the repository at `repo_root`. An error means a file or directory the
/// rules rely on could not be read, which is a broken checkout, not a violation.
pub fn check_repository(repo_root: &Path) -> io::Result<Report> {
    let mut crates = Vec::new();
    let mut violations = Vec::new();
    for (crate_dir, name) in CHECKED_CRATES {
        let graph = CrateGraph::load(repo_root, crate_dir, name)?;
        let cycles = cycles::find_cycles(&graph);
        crates.push(CrateSummary {
            name: name.to_owned(),
            modules: graph.modules.len(),
            edges: graph.edges().len(),
            cycles: cycles.len(),
        });
        violations.extend(cycles.into_iter().map(|cycle| Violation::ImportCycle {
            parent: graph.display(&cycle.parent),
            cycle,
        }));
        if crate_dir == LAYERED_CRATE {
            let breaches = rules::layer_breaches(&graph, LOWEST_LAYER);
            violations.extend(breaches.into_iter().map(Violation::Layer));
        }
    }

    let transaction_sources: Vec<String> = CHECKED_CRATES
        .iter()
        .map(|(crate_dir, _)| format!("{crate_dir}/src"))
        .chain(MORE_TRANSACTION_SOURCES.iter().map(|dir| dir.to_string()))
        .collect();
    let transaction_sources: Vec<&str> = transaction_sources.iter().map(String::as_str).collect();
    let breaches = rules::transaction_breaches(repo_root, &transaction_sources, TRANSACTIONS)?;
    violations.extend(breaches.into_iter().map(Violation::Transaction));

    let breaches = rules::service_dependency_breaches(repo_root, &SERVICES, &SERVICE_NAMES)?;
    violations.extend(breaches.into_iter().map(Violation::ServiceDependency));

    Ok(Report { crates, violations })
}

/// Like `fs::read_to_string`, but the error names the file.
pub(crate) fn read_text(path: &Path) -> io::Result<String> {
    fs::read_to_string(path)
        .map_err(|error| io::Error::new(error.kind(), format!("{}: {error}", path.display())))
}

impl fmt::Display for CrateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cycles = match self.cycles {
            0 => "no import cycle".to_owned(),
            n => counted(n, "import cycle"),
        };
        write!(
            f,
            "{}: {}, {}, {cycles}",
            self.name,
            counted(self.modules, "module"),
            counted(self.edges, "edge")
        )
    }
}

/// One violation per line, `file:line: what` first so editors and CI logs link to it; a
/// cycle gets a heading and one such line per edge in it.
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::ImportCycle { parent, cycle } => {
                write!(
                    f,
                    "import cycle in {parent} between {}",
                    cycle.members.join(", ")
                )?;
                for edge in &cycle.edges {
                    let Evidence {
                        file,
                        line,
                        written,
                    } = &edge.evidence;
                    write!(
                        f,
                        "\n    {file}:{line}: {} -> {} ({written})",
                        edge.from, edge.to
                    )?;
                }
                Ok(())
            }
            Violation::Layer(breach) => {
                let Evidence {
                    file,
                    line,
                    written,
                } = &breach.evidence;
                write!(
                    f,
                    "{file}:{line}: {} uses {} ({written}); infra must not look up",
                    breach.from, breach.to
                )
            }
            Violation::Transaction(location) | Violation::ServiceDependency(location) => {
                write!(f, "{}:{}: {}", location.file, location.line, location.what)
            }
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for summary in &self.crates {
            writeln!(f, "{summary}")?;
        }
        for violation in &self.violations {
            writeln!(f, "{violation}")?;
        }
        match self.violations.len() {
            0 => writeln!(f, "layout: ok"),
            n => writeln!(f, "layout: {}", counted(n, "violation")),
        }
    }
}

fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A minimal repository in its own temporary directory: every checked crate with an
    /// empty root, the extra transaction sources, and service manifests that break no rule.
    /// Tests add the files they are about; the directory goes when the fixture does.
    struct Fixture {
        root: PathBuf,
    }

    impl Fixture {
        fn new(test_name: &str) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let root = std::env::temp_dir().join(format!(
                "layout-check-{}-{}-{test_name}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let fixture = Self { root };
            for (crate_dir, _) in CHECKED_CRATES {
                let root_file = if crate_dir == "tools/zorgctl" {
                    "main.rs"
                } else {
                    "lib.rs"
                };
                fixture.write(&format!("{crate_dir}/src/{root_file}"), "");
            }
            for service in SERVICES {
                fixture.write(
                    &format!("{service}/Cargo.toml"),
                    "[package]\nname = \"x\"\n\n[dependencies]\ncommon.workspace = true\n",
                );
            }
            for dir in MORE_TRANSACTION_SOURCES {
                fixture.write(&format!("{dir}/src/lib.rs"), "");
            }
            fixture
        }

        fn write(&self, relative: &str, text: &str) -> &Self {
            let path = self.root.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).unwrap();
            }
            fs::write(path, text).unwrap();
            self
        }

        fn check(&self) -> Report {
            check_repository(&self.root).unwrap()
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.root);
        }
    }

    fn rendered(report: &Report) -> String {
        report.to_string()
    }

    fn cycles(report: &Report) -> Vec<&ImportCycle> {
        report
            .violations
            .iter()
            .filter_map(|violation| match violation {
                Violation::ImportCycle { cycle, .. } => Some(cycle),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_clean_repository_reports_ok() {
        let fixture = Fixture::new("clean");
        fixture
            .write("libs/common/src/lib.rs", "pub mod a;\npub mod b;\n")
            .write("libs/common/src/a.rs", "use crate::b::Thing;\n")
            .write("libs/common/src/b.rs", "");
        let report = fixture.check();
        let output = rendered(&report);
        assert!(report.is_ok(), "{output}");
        assert!(
            output.starts_with("common: 3 modules, 1 edge, no import cycle\n"),
            "{output}"
        );
        assert!(output.ends_with("layout: ok\n"), "{output}");
    }

    #[test]
    fn a_two_sibling_cycle_is_found_with_both_evidence_lines() {
        let fixture = Fixture::new("two-siblings");
        fixture
            .write("libs/common/src/a.rs", "use crate::b::Thing;\n")
            .write(
                "libs/common/src/b.rs",
                "//! B.\n\nfn f() { crate::a::g(); }\n",
            );
        let report = fixture.check();
        let output = rendered(&report);
        assert_eq!(cycles(&report).len(), 1, "{output}");
        assert!(
            output.contains("import cycle in common between a, b"),
            "{output}"
        );
        assert!(
            output.contains("libs/common/src/a.rs:1: a -> b (crate::b::Thing)"),
            "{output}"
        );
        assert!(
            output.contains("libs/common/src/b.rs:3: b -> a (crate::a::g)"),
            "{output}"
        );
        assert!(
            output.contains("common: 3 modules, 2 edges, 1 import cycle"),
            "{output}"
        );
        assert!(output.ends_with("layout: 1 violation\n"), "{output}");
    }

    #[test]
    fn deep_edges_are_lifted_to_the_siblings_that_contain_them() {
        let fixture = Fixture::new("lifted");
        fixture
            .write("services/web/src/a/mod.rs", "pub mod x;\n")
            .write("services/web/src/a/x.rs", "use crate::b::y::Y;\n")
            .write("services/web/src/b/mod.rs", "pub mod y;\n")
            .write("services/web/src/b/y.rs", "use crate::a::x::X;\n");
        let report = fixture.check();
        let found = cycles(&report);
        assert_eq!(found.len(), 1, "{}", rendered(&report));
        assert!(found[0].parent.is_empty());
        assert_eq!(found[0].members, ["a", "b"]);
    }

    #[test]
    fn a_parent_and_its_children_may_use_each_other() {
        let fixture = Fixture::new("parent-child");
        fixture
            .write(
                "services/web/src/routes/mod.rs",
                "mod signin;\npub fn helper() {}\nfn table() { self::signin::page(); }\n",
            )
            .write(
                "services/web/src/routes/signin.rs",
                "use super::helper;\nuse crate::routes::helper as again;\n",
            );
        let report = fixture.check();
        assert!(report.is_ok(), "{}", rendered(&report));
        assert!(rendered(&report).contains("web: 3 modules, 2 edges, no import cycle"));
    }

    #[test]
    fn grouped_and_nested_use_across_lines_is_parsed() {
        let fixture = Fixture::new("grouped");
        fixture
            .write(
                "libs/common/src/a.rs",
                "use crate::{\n    c,\n    b::{\n        inner::{X, Y},\n    },\n};\n",
            )
            .write("libs/common/src/b/mod.rs", "pub mod inner;\n")
            .write("libs/common/src/b/inner.rs", "use crate::a;\n")
            .write("libs/common/src/c.rs", "");
        let report = fixture.check();
        let output = rendered(&report);
        assert!(
            output.contains("libs/common/src/a.rs:4: a -> b (crate::b::inner::X)"),
            "{output}"
        );
        assert!(output.contains("common: 5 modules, 3 edges"), "{output}");
    }

    #[test]
    fn paths_in_comments_and_strings_do_not_count() {
        let fixture = Fixture::new("comments");
        let a = r####"//! Uses [`crate::b`] in prose only.
/// See crate::b::Thing.
// crate::b::Thing
/* crate::b::Thing /* crate::b::Thing */ */
const SQL: &str = "select crate::b::thing";
const RAW: &str = r#"crate::b::Thing "quoted" begin_tenant("#;
const LIFETIME: &'static str = "x";
fn f() { let _c = '"'; let _d = crate::c::D; }
"####;
        fixture
            .write("libs/common/src/a.rs", a)
            .write("libs/common/src/b.rs", "use crate::a;\n")
            .write("libs/common/src/c.rs", "");
        let report = fixture.check();
        assert!(report.is_ok(), "{}", rendered(&report));
        assert!(rendered(&report).contains("common: 4 modules, 2 edges"));
    }

    #[test]
    fn super_super_is_resolved_from_the_file_module() {
        let fixture = Fixture::new("super-super");
        fixture
            .write("libs/common/src/a/mod.rs", "mod inner;\nmod sibling;\n")
            .write("libs/common/src/a/inner/mod.rs", "mod leaf;\n")
            .write(
                "libs/common/src/a/inner/leaf.rs",
                "use super::super::sibling::f;\n",
            )
            .write(
                "libs/common/src/a/sibling.rs",
                "use crate::a::inner::leaf;\n",
            );
        let report = fixture.check();
        let output = rendered(&report);
        assert!(
            output.contains("import cycle in common::a between inner, sibling"),
            "{output}"
        );
        assert!(
            output.contains("a/inner/leaf.rs:1: inner -> sibling (super::super::sibling::f)"),
            "{output}"
        );
    }

    #[test]
    fn test_module_imports_are_ignored() {
        let fixture = Fixture::new("test-modules");
        fixture
            .write(
                "libs/common/src/a.rs",
                "#[cfg(test)]\nmod tests {\n    use crate::b::Thing;\n}\n\n#[cfg(test)]\nmod more;\n",
            )
            .write("libs/common/src/a/more.rs", "use crate::b::Other;\n")
            .write("libs/common/src/b.rs", "use crate::a;\n");
        let report = fixture.check();
        let output = rendered(&report);
        assert!(report.is_ok(), "{output}");
        assert!(output.contains("common: 3 modules, 1 edge,"), "{output}");
    }

    #[test]
    fn infra_referring_to_a_context_is_flagged() {
        let fixture = Fixture::new("layer");
        fixture
            .write(
                "libs/common/src/infra/mod.rs",
                "pub mod db;\npub mod clock;\n",
            )
            .write(
                "libs/common/src/infra/db.rs",
                "use super::clock::Clock;\nuse crate::clients::records::Record;\n",
            )
            .write("libs/common/src/infra/clock.rs", "")
            .write("libs/common/src/clients/mod.rs", "pub mod records;\n")
            .write("libs/common/src/clients/records.rs", "");
        let report = fixture.check();
        let output = rendered(&report);
        assert_eq!(report.violations.len(), 1, "{output}");
        assert!(
            output.contains(
                "libs/common/src/infra/db.rs:2: common::infra::db uses common::clients::records \
                 (crate::clients::records::Record)"
            ),
            "{output}"
        );
    }

    #[test]
    fn begin_tenant_outside_the_door_is_flagged() {
        let fixture = Fixture::new("door");
        fixture
            .write(
                "libs/common/src/infra/tenancy/tx.rs",
                "pub async fn begin_tenant(db: &Db) {}\nfn g() { begin_tenant(db); }\n",
            )
            .write(
                "services/worker/src/jobs.rs",
                "// begin_tenant( in a comment is fine\nfn f() {\n    let tx = begin_tenant(&db, &slug);\n}\n",
            )
            .write("tests/tests/isolation.rs", "fn t() { begin_tenant(&db, &slug); }\n");
        let report = fixture.check();
        let output = rendered(&report);
        assert_eq!(report.violations.len(), 2, "{output}");
        assert!(
            output.contains("services/worker/src/jobs.rs:3: begin_tenant( outside"),
            "{output}"
        );
        assert!(
            output.contains("tests/tests/isolation.rs:1: begin_tenant("),
            "{output}"
        );
    }

    #[test]
    fn commit_and_rollback_in_web_are_flagged() {
        let fixture = Fixture::new("commit");
        fixture
            .write(
                "services/web/src/routes.rs",
                "async fn h() {\n    tx.commit().await?;\n    other\n        .rollback()\n        .await?;\n}\n",
            )
            .write("services/worker/src/relay.rs", "fn f() { tx.commit(); }\n");
        let report = fixture.check();
        let output = rendered(&report);
        assert_eq!(report.violations.len(), 2, "{output}");
        assert!(
            output.contains("services/web/src/routes.rs:2: .commit() in services/web/src"),
            "{output}"
        );
        assert!(
            output.contains("services/web/src/routes.rs:4: .rollback()"),
            "{output}"
        );
    }

    #[test]
    fn a_service_depending_on_another_is_flagged() {
        let fixture = Fixture::new("services");
        fixture.write(
            "services/web/Cargo.toml",
            "[dependencies]\ncommon.workspace = true\nworker.workspace = true\n\n\
             [dev-dependencies]\nnotifier.workspace = true\n",
        );
        let report = fixture.check();
        let output = rendered(&report);
        assert_eq!(report.violations.len(), 1, "{output}");
        assert!(
            output.contains("services/web/Cargo.toml:3: services/web depends on worker"),
            "{output}"
        );
    }
}
