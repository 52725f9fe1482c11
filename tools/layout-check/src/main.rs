//! `layout-check [REPOSITORY_ROOT]`: checks the repository's architecture rules and prints a
//! short report. Exits 0 when the layout is clean, 1 on violations, 2 when the repository
//! cannot be read. The root defaults to the current directory, which is where
//! `cargo run -p zorgportaal-layout-check` leaves us when started at the repository root.

use std::env;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    match layout_check::check_repository(&root) {
        Ok(report) => {
            print!("{report}");
            if report.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(error) => {
            eprintln!("layout-check: cannot read the repository: {error}");
            ExitCode::from(2)
        }
    }
}
