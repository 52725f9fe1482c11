//! Compiles every file under `templates/` into the binary: the list is made from the folders,
//! so a template cannot be forgotten, and its name is its path under `templates/`.

use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "html") {
            found.push(path);
        }
    }
    Ok(())
}

/// The design system's stylesheet, fetched by `infra/design-system/fetch.sh` (not committed).
const VENDOR_CSS: &str = "static/vendor/utrecht-components.css";

fn main() -> io::Result<()> {
    let vendor = Path::new(env!("CARGO_MANIFEST_DIR")).join(VENDOR_CSS);
    println!("cargo:rerun-if-changed={}", vendor.display());
    if !vendor.exists() {
        return Err(io::Error::other(format!(
            "{} is missing: run `bash infra/design-system/fetch.sh` before building",
            vendor.display()
        )));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut found = Vec::new();
    walk(&root, &mut found)?;
    found.sort();
    let mut out = String::from("&[\n");
    for path in &found {
        let name = path
            .strip_prefix(&root)
            .map_err(io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("]\n");
    let target = Path::new(&env::var("OUT_DIR").map_err(io::Error::other)?).join("templates.rs");
    fs::write(target, out)
}
