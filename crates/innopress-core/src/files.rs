//! Files replaced in place, and what to tell the user when another program holds one.

use std::io;

/// A failed replace of a file, with what to do when another program holds it: on Windows a
/// file open in Excel or an editor cannot be replaced, and "Access is denied" says nothing
/// of that.
pub fn replace_error(e: io::Error) -> io::Error {
    if e.kind() != io::ErrorKind::PermissionDenied {
        return e;
    }
    io::Error::new(
        e.kind(),
        format!(
            "{e}; if the file is open in another program (Excel, an editor), close it there and run again: nothing was changed"
        ),
    )
}
