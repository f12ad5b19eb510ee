//! What every command prints the same way: diagnostics in colour on a terminal, build
//! errors, and standard output that tolerates a closed pipe.

use innopress::pipeline::BuildError;
use std::process::ExitCode;

/// Whether stderr gets colours.
pub(crate) fn color() -> bool {
    innopress::diagnostics::stderr_color()
}

pub(crate) fn report_build_error(e: &BuildError) {
    match e {
        BuildError::Content(d) => eprint!("{}", d.render_styled(color())),
        other => eprintln!("error: {other}"),
    }
}

/// Writes to standard output; a closed pipe (`innopress summary | head`) is not an error
/// worth a panic, so it ends the command quietly.
pub(crate) fn stdout(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(1)
        }
    }
}
