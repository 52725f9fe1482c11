//! The rules that are not about cycles: the lowest layer looks at nothing above it, tenant
//! transactions are opened in one place and ended by a helper rather than by a handler, and
//! the services do not depend on each other.

use std::io;
use std::path::Path;

use crate::lexer::{tokenize, Token};
use crate::read_text;
use crate::tree::{rust_files, CrateGraph, Evidence};

#[derive(Debug, Clone)]
pub struct LayerBreach {
    pub from: String,
    pub to: String,
    pub evidence: Evidence,
}

/// Every reference from inside the module `layer` (a top-level module of `graph`) to a
/// module outside it. References to the crate root alone say nothing about layering.
pub fn layer_breaches(graph: &CrateGraph, layer: &str) -> Vec<LayerBreach> {
    graph
        .references
        .iter()
        .filter(|reference| reference.from.first().is_some_and(|top| top == layer))
        .filter(|reference| reference.to.first().is_some_and(|top| top != layer))
        .map(|reference| LayerBreach {
            from: graph.display(&reference.from),
            to: graph.display(&reference.to),
            evidence: reference.evidence.clone(),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLocation {
    pub file: String,
    pub line: usize,
    pub what: String,
}

/// Where the tenant transaction may be opened, and which files must leave ending it to a
/// helper.
#[derive(Debug, Clone, Copy)]
pub struct TransactionRule<'a> {
    pub door: &'a str,
    pub handler_sources: &'a str,
}

/// Scans every `.rs` file under each of `dirs` (relative to `repo_root`), test code
/// included: a test that opens its own transaction bypasses the door just the same.
pub fn transaction_breaches(
    repo_root: &Path,
    dirs: &[&str],
    rule: TransactionRule<'_>,
) -> io::Result<Vec<CodeLocation>> {
    let mut breaches = Vec::new();
    for dir in dirs {
        for relative in rust_files(&repo_root.join(dir))? {
            let shown = format!("{dir}/{}", slash_separated(&relative));
            let tokens = tokenize(&read_text(&repo_root.join(dir).join(&relative))?);
            let in_handlers = shown.starts_with(&format!("{}/", rule.handler_sources));
            for (pos, token) in tokens.iter().enumerate() {
                let rest = &tokens[pos..];
                if shown != rule.door && opens_transaction(rest) {
                    breaches.push(CodeLocation {
                        file: shown.clone(),
                        line: token.line,
                        what: format!("begin_tenant( outside {}", rule.door),
                    });
                }
                if in_handlers {
                    if let Some(call) = ends_transaction(rest) {
                        breaches.push(CodeLocation {
                            file: shown.clone(),
                            line: token.line,
                            what: format!(".{call}() in {}", rule.handler_sources),
                        });
                    }
                }
            }
        }
    }
    Ok(breaches)
}

fn opens_transaction(tokens: &[Token]) -> bool {
    matches!(tokens, [name, open, ..] if name.is_ident("begin_tenant") && open.is_punct('('))
}

fn ends_transaction(tokens: &[Token]) -> Option<&str> {
    match tokens {
        [dot, name, open, close, ..]
            if dot.is_punct('.') && open.is_punct('(') && close.is_punct(')') =>
        {
            name.ident()
                .filter(|call| *call == "commit" || *call == "rollback")
        }
        _ => None,
    }
}

fn slash_separated(path: &Path) -> String {
    path.iter()
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads `{service}/Cargo.toml` for each service and reports dependencies named (or
/// renamed from a package named) in `forbidden`. Only `[dependencies]`,
/// `[dependencies.NAME]` and `[target.….dependencies]` tables count: a service's tests may
/// well start another service.
pub fn service_dependency_breaches(
    repo_root: &Path,
    services: &[&str],
    forbidden: &[&str],
) -> io::Result<Vec<CodeLocation>> {
    let mut breaches = Vec::new();
    for service in services {
        let manifest = format!("{service}/Cargo.toml");
        let text = read_text(&repo_root.join(&manifest))?;
        for (line, name) in dependency_names(&text) {
            if forbidden.contains(&name.as_str()) {
                breaches.push(CodeLocation {
                    file: manifest.clone(),
                    line,
                    what: format!("{service} depends on {name}"),
                });
            }
        }
    }
    Ok(breaches)
}

/// Every dependency key and every `package = "…"` value in the dependency tables, with
/// its line. A text reading, not a TOML parser: enough for the manifests we write.
fn dependency_names(manifest: &str) -> Vec<(usize, String)> {
    let mut names = Vec::new();
    let mut in_table = false;
    let mut in_single_dependency = false;
    for (index, raw_line) in manifest.lines().enumerate() {
        let line_number = index + 1;
        let line = without_comment(raw_line).trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_start_matches('[').trim_end_matches(']').trim();
            in_table = header == "dependencies"
                || (header.starts_with("target.") && header.ends_with(".dependencies"));
            in_single_dependency = false;
            if let Some(name) = header.strip_prefix("dependencies.") {
                in_single_dependency = true;
                names.push((line_number, unquoted(name)));
            }
            continue;
        }
        if in_table {
            if let Some(key) = line.split(['=', '.']).next().filter(|key| !key.is_empty()) {
                names.push((line_number, unquoted(key)));
            }
        }
        if in_table || in_single_dependency {
            if let Some(package) = package_value(line) {
                names.push((line_number, package));
            }
        }
    }
    names
}

fn without_comment(line: &str) -> &str {
    let mut in_string = false;
    for (at, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..at],
            _ => {}
        }
    }
    line
}

fn unquoted(text: &str) -> String {
    text.trim().trim_matches('"').to_owned()
}

fn package_value(line: &str) -> Option<String> {
    let after_key = &line[line.find("package")? + "package".len()..];
    let value = after_key.trim_start().strip_prefix('=')?.trim_start();
    let value = value.strip_prefix('"')?;
    Some(value[..value.find('"')?].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_names_come_from_keys_and_renamed_packages() {
        let manifest = r#"
[package]
name = "zorgportaal-web"

[dependencies]
common.workspace = true   # the shared library
"serde" = "1"
portal = { package = "zorgportaal-worker", path = "../worker" }

[dev-dependencies]
notifier.workspace = true

[dependencies.extra]
package = "zorgportaal-notifier"
"#;
        let names: Vec<String> = dependency_names(manifest)
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        assert_eq!(
            names,
            [
                "common",
                "serde",
                "portal",
                "zorgportaal-worker",
                "extra",
                "zorgportaal-notifier"
            ]
        );
    }

    #[test]
    fn only_a_call_counts_as_ending_a_transaction() {
        let call = tokenize("tx.commit().await");
        assert_eq!(ends_transaction(&call[1..]), Some("commit"));
        assert_eq!(ends_transaction(&tokenize(".commit(x)")), None);
        assert_eq!(ends_transaction(&tokenize("fn commit()")), None);
    }
}
