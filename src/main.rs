//! The `carecover` binary: parse the command line, set up logging, run the command (all in
//! the library's [`carecover::cli`]).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = carecover::cli::Cli::parse();
    carecover::cli::init_logging();
    match carecover::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
