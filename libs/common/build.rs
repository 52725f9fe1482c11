//! The catalogues and migrations are embedded at compile time: rebuild when any of them (or a
//! new file among them) changes.
fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=migrations");
}
