//! `voxscreen`: screen audio and video files for synthetic speech from the command line.
//! Everything lives in the library crate `voxscreen_cli` (also called by the Python package's
//! `voxscreen` command), so both run the same code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = voxscreen_cli::run(std::env::args_os());
    ExitCode::from(u8::try_from(code).unwrap_or(u8::MAX))
}
