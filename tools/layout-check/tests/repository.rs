//! The real repository must keep its layout: this runs every rule on the checkout this
//! crate lives in.

use std::path::Path;

#[test]
fn the_repository_has_no_layout_violations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let report = layout_check::check_repository(&root).expect("the repository is readable");
    assert!(report.is_ok(), "\n{report}");
}
