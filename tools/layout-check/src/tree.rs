//! One crate as a graph: its module tree, taken from the file layout under `src/`, and the
//! module-to-module references its files make, each with the line that makes it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::lexer::tokenize;
use crate::scan::scan;

/// Segments from the crate root; the root itself is the empty path.
pub type ModulePath = Vec<String>;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    /// Relative to the repository root, with `/` separators, as printed.
    pub file: String,
    pub line: usize,
    pub written: String,
}

#[derive(Debug, Clone)]
pub struct ModuleReference {
    pub from: ModulePath,
    pub to: ModulePath,
    pub evidence: Evidence,
}

#[derive(Debug)]
pub struct CrateGraph {
    pub name: String,
    pub modules: BTreeSet<ModulePath>,
    /// Ordered by file and line, so the first one for an edge is the one to show.
    pub references: Vec<ModuleReference>,
}

struct SourceFile {
    module: ModulePath,
    shown_path: String,
    path: PathBuf,
}

impl CrateGraph {
    /// `crate_dir` is relative to `repo_root`, e.g. `libs/common`.
    pub fn load(repo_root: &Path, crate_dir: &str, name: &str) -> io::Result<Self> {
        let files = module_files(repo_root, crate_dir)?;
        let mut scanned = Vec::new();
        let mut test_only = Vec::new();
        for file in files {
            let source = fs::read_to_string(&file.path)?;
            let found = scan(&tokenize(&source), &file.module);
            for child in &found.test_only_children {
                let mut excluded = file.module.clone();
                excluded.push(child.clone());
                test_only.push(excluded);
            }
            scanned.push((file, found.references));
        }
        scanned.retain(|(file, _)| !test_only.iter().any(|t| file.module.starts_with(t)));

        let modules: BTreeSet<ModulePath> = scanned
            .iter()
            .map(|(file, _)| file.module.clone())
            .collect();
        let mut references = Vec::new();
        for (file, found) in scanned {
            for reference in found {
                let to = longest_module_prefix(&modules, &reference.absolute);
                if to == file.module {
                    continue;
                }
                references.push(ModuleReference {
                    from: file.module.clone(),
                    to,
                    evidence: Evidence {
                        file: file.shown_path.clone(),
                        line: reference.line,
                        written: reference.written,
                    },
                });
            }
        }
        references.sort_by(|a, b| a.evidence.cmp(&b.evidence));
        Ok(Self {
            name: name.to_owned(),
            modules,
            references,
        })
    }

    /// Each distinct module-to-module edge with the first reference that makes it.
    pub fn edges(&self) -> BTreeMap<(&ModulePath, &ModulePath), &Evidence> {
        let mut edges = BTreeMap::new();
        for reference in &self.references {
            edges
                .entry((&reference.from, &reference.to))
                .or_insert(&reference.evidence);
        }
        edges
    }

    pub fn display(&self, module: &[String]) -> String {
        std::iter::once(self.name.as_str())
            .chain(module.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("::")
    }
}

fn longest_module_prefix(modules: &BTreeSet<ModulePath>, path: &[String]) -> ModulePath {
    (0..=path.len())
        .rev()
        .map(|len| path[..len].to_vec())
        .find(|prefix| modules.contains(prefix))
        .unwrap_or_default()
}

/// `lib.rs` is the root; `main.rs` is the root only without a `lib.rs` (beside one it is a
/// separate binary crate, as is anything under `src/bin/`).
fn module_files(repo_root: &Path, crate_dir: &str) -> io::Result<Vec<SourceFile>> {
    let src = repo_root.join(crate_dir).join("src");
    let root_file = ["lib.rs", "main.rs"]
        .into_iter()
        .find(|name| src.join(name).is_file())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{crate_dir}/src has neither lib.rs nor main.rs"),
            )
        })?;
    let mut files = Vec::new();
    for relative in rust_files(&src)? {
        let parts: Vec<String> = relative
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        let shown_path = format!("{crate_dir}/src/{}", parts.join("/"));
        let module = match parts.as_slice() {
            [only] if only == root_file => Vec::new(),
            [only] if only == "lib.rs" || only == "main.rs" => continue,
            [first, ..] if first == "bin" => continue,
            _ => module_path_of(&parts),
        };
        files.push(SourceFile {
            module,
            shown_path,
            path: src.join(&relative),
        });
    }
    Ok(files)
}

/// `a/b.rs` and `a/b/mod.rs` are both `a::b`.
fn module_path_of(parts: &[String]) -> ModulePath {
    let mut module: ModulePath = parts.to_vec();
    if let Some(last) = module.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_owned();
        if stem != "mod" {
            module.push(stem);
        }
    }
    module
}

/// Every `.rs` file under `dir`, relative to it, in a stable order.
pub fn rust_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let here = dir.join(&relative);
        let entries = fs::read_dir(&here).map_err(|error| {
            io::Error::new(error.kind(), format!("{}: {error}", here.display()))
        })?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let name_text = name.to_string_lossy();
            if name_text.starts_with('.') || name_text == "target" {
                continue;
            }
            let path = relative.join(&name);
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if name_text.ends_with(".rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(path: &str) -> Vec<String> {
        path.split('/').map(str::to_owned).collect()
    }

    #[test]
    fn file_layout_gives_module_paths() {
        assert_eq!(module_path_of(&parts("foo.rs")), ["foo"]);
        assert_eq!(module_path_of(&parts("foo/mod.rs")), ["foo"]);
        assert_eq!(module_path_of(&parts("foo/bar.rs")), ["foo", "bar"]);
    }

    #[test]
    fn references_resolve_to_the_longest_existing_module() {
        let modules: BTreeSet<ModulePath> = [Vec::new(), parts("a"), parts("a/b")].into();
        assert_eq!(
            longest_module_prefix(&modules, &parts("a/b/Item")),
            ["a", "b"]
        );
        assert_eq!(longest_module_prefix(&modules, &parts("a/c/f")), ["a"]);
        assert!(longest_module_prefix(&modules, &parts("z")).is_empty());
    }
}
