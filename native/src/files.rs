//! Looking at many files at once: what an incremental export asks of every file of a
//! site on every run, before it reads the few that changed.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The bytes of one file's packed stat (see [`stat_files`]).
const STAT: usize = 32;

/// Files below which one thread looks at them all: a thread costs more than it saves.
const SHARED_STAT: usize = 512;

/// The stats of files packed, and the `(number, errno)` of those that could not be looked at.
type Stats<'py> = (Bound<'py, PyBytes>, Vec<(usize, i32)>);

/// Look at each file of `paths` as `os.stat` does (following symbolic links): its size,
/// modification and change times in nanoseconds and its inode, packed little-endian as
/// `struct.Struct("<qqqQ")` packs them, 32 bytes a file (zeros for a file that could
/// not be looked at), and `(number, errno)` for each such file.
///
/// The system calls run without the GIL, on two threads when there are two cores and
/// enough files: on the virtual machines measured, a `stat` costs more than a
/// microsecond, and `os.stat` as much again in Python objects (a `stat_result` of twenty
/// fields, of which four are wanted).
#[pyfunction]
pub fn stat_files<'py>(py: Python<'py>, paths: Vec<PathBuf>) -> PyResult<Stats<'py>> {
    let mut packed = vec![0_u8; paths.len() * STAT];
    let errors = py.detach(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if paths.len() < SHARED_STAT || cores < 2 {
            return stat_into(&paths, &mut packed, 0);
        }
        let half = paths.len() / 2;
        let (first, second) = packed.split_at_mut(half * STAT);
        let (first_paths, second_paths) = paths.split_at(half);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| stat_into(second_paths, second, half));
            let mut errors = stat_into(first_paths, first, 0);
            match other.join() {
                Ok(more) => errors.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            errors
        })
    });
    Ok((PyBytes::new(py, &packed), errors))
}

/// Pack the stats of `paths` into `into`; the errors, numbered from `first`.
fn stat_into(paths: &[PathBuf], into: &mut [u8], first: usize) -> Vec<(usize, i32)> {
    let mut errors = Vec::new();
    for (number, (path, slot)) in paths.iter().zip(into.chunks_exact_mut(STAT)).enumerate() {
        match std::fs::metadata(path) {
            Ok(info) => {
                let nanoseconds = |seconds: i64, part: i64| seconds * 1_000_000_000 + part;
                slot[0..8].copy_from_slice(&(info.size() as i64).to_le_bytes());
                slot[8..16]
                    .copy_from_slice(&nanoseconds(info.mtime(), info.mtime_nsec()).to_le_bytes());
                slot[16..24]
                    .copy_from_slice(&nanoseconds(info.ctime(), info.ctime_nsec()).to_le_bytes());
                slot[24..32].copy_from_slice(&info.ino().to_le_bytes());
            }
            // An error that is not the system's (none is expected): "invalid argument".
            Err(error) => errors.push((first + number, error.raw_os_error().unwrap_or(22))),
        }
    }
    errors
}
