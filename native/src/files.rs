//! Looking at many files at once: what an incremental export asks of every file of a
//! site on every run, before it reads the few that changed.

use std::ffi::{OsStr, OsString};
use std::fs::DirEntry;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

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
pub fn stat_files<'py>(py: Python<'py>, paths: Vec<PathBuf>) -> Stats<'py> {
    let mut packed = vec![0_u8; paths.len() * STAT];
    let errors = py.detach(|| stat_all(&paths, &mut packed));
    (PyBytes::new(py, &packed), errors)
}

/// What [`stat_files`] gives, without Python: the stats packed into `packed`, the errors.
fn stat_all(paths: &[PathBuf], packed: &mut [u8]) -> Vec<(usize, i32)> {
    if paths.len() < SHARED_STAT || !crate::edits::two_cores() {
        return stat_into(paths, packed, 0);
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

/// The record files under the folder `top` with their stats: [`stat_files`] of the
/// files of newsrecord's walk (`newsrecord.files.walk_entries`), found in Rust, so that
/// their paths are not made into Python strings and back. The errors are `(number,
/// errno)` of each place that could not be looked at: a folder that could not be listed
/// or an entry whose kind could not be told (its path is among the names, with its
/// stat if it has one), or a file that could not be `stat`ed (its stat zeros).
///
/// As the walk in Python: each folder's listing sorted by name (as Python sorts the
/// names, by code point); names starting with a dot left out; folders entered where they
/// come, symbolic links to folders not followed; a file kept when its name ends with
/// `suffix`, it is a regular file (following a symbolic link) and its name is none of
/// `skipped` (compared without regard to ASCII case), which are folders not entered too.
/// A link to nothing whose name would be kept is an error (`ENOENT`), as in Python. All of it
/// without the GIL: a walk of a large site is mostly system calls.
#[pyfunction]
pub fn scan_folder<'py>(
    py: Python<'py>,
    top: PathBuf,
    suffix: &str,
    skipped: Vec<String>,
) -> (Vec<OsString>, Bound<'py, PyBytes>, Vec<(usize, i32)>) {
    let suffix = suffix.as_bytes().to_vec();
    let (names, packed, errors) = py.detach(move || {
        let (tasks, received) = mpsc::channel();
        let received = Mutex::new(received);
        let (results, stats) = mpsc::channel();
        let mut walk = Walk {
            suffix,
            skipped,
            chunk: Vec::new(),
            chunks: Vec::new(),
            found: 0,
            tasks: Some(tasks),
            errors: Vec::new(),
        };
        std::thread::scope(|scope| {
            // The other thread `stat`s the files found so far while this one walks on;
            // then this one `stat`s with it what is left.
            let other =
                crate::edits::two_cores().then(|| scope.spawn(|| stat_chunks(&received, &results)));
            walk.walk(top);
            stat_chunks(&received, &results);
            if let Some(Err(panic)) = other.map(std::thread::ScopedJoinHandle::join) {
                std::panic::resume_unwind(panic);
            }
        });
        drop(results);
        let mut packed = vec![0_u8; walk.found * STAT];
        let mut errors = walk.errors;
        // A place the walk could not look at keeps the walk's error.
        let known: std::collections::HashSet<usize> = errors.iter().map(|e| e.0).collect();
        for (first, part, failed) in stats {
            packed[first * STAT..first * STAT + part.len()].copy_from_slice(&part);
            errors.extend(failed.into_iter().filter(|e| !known.contains(&e.0)));
        }
        errors.sort_unstable();
        // The threads are done with the chunks: each is ours alone again, moved, not copied.
        let names: Vec<OsString> = walk
            .chunks
            .into_iter()
            .flat_map(|chunk| Arc::try_unwrap(chunk).unwrap_or_else(|shared| (*shared).clone()))
            .map(PathBuf::into_os_string)
            .collect();
        (names, packed, errors)
    });
    (names, PyBytes::new(py, &packed), errors)
}

/// A folder entry and its name (asked for once: it is a new string each time).
type Named = (OsString, DirEntry);

/// Files handed to the threads that `stat` them, this many at a time.
const CHUNK: usize = 256;

/// Files found, numbered from the first (the number of the file of `0`), to `stat`.
type Chunk = (usize, Arc<Vec<PathBuf>>);

/// The stats of a chunk: the number of its first file, its stats packed, its errors.
type Stated = (usize, Vec<u8>, Vec<(usize, i32)>);

/// `stat` the chunks that come, until none will.
fn stat_chunks(tasks: &Mutex<mpsc::Receiver<Chunk>>, results: &mpsc::Sender<Stated>) {
    loop {
        // The lock is held while waiting: the other thread takes a chunk only once this
        // one has one, or once none will come.
        let task = match tasks.lock() {
            Ok(tasks) => tasks.recv(),
            Err(_) => return,
        };
        let Ok((first, paths)) = task else { return };
        let mut packed = vec![0_u8; paths.len() * STAT];
        let failed = stat_into(&paths, &mut packed, first);
        if results.send((first, packed, failed)).is_err() {
            return;
        }
    }
}

/// What [`scan_folder`] has found so far, and what it looks for.
struct Walk {
    suffix: Vec<u8>,
    skipped: Vec<String>,
    /// The files found since the last chunk was handed on.
    chunk: Vec<PathBuf>,
    /// Every chunk handed on, in order.
    chunks: Vec<Arc<Vec<PathBuf>>>,
    /// How many files (and places that failed) were found.
    found: usize,
    /// Where chunks go to be `stat`ed; None once the walk is over.
    tasks: Option<mpsc::Sender<Chunk>>,
    errors: Vec<(usize, i32)>,
}

impl Walk {
    /// Walk the folder `top`, then hand on the last chunk and close the way.
    fn walk(&mut self, top: PathBuf) {
        let mut stack = Vec::new();
        match self.listing(&top) {
            Ok(listing) => stack.push(listing.into_iter()),
            Err(error) => self.failed(top, &error),
        }
        while let Some(listing) = stack.last_mut() {
            let Some(entry) = listing.next() else {
                stack.pop();
                continue;
            };
            if let Some(inner) = self.visit(entry) {
                stack.push(inner.into_iter());
            }
        }
        self.hand_on();
        self.tasks = None;
    }

    fn push(&mut self, path: PathBuf) {
        self.chunk.push(path);
        self.found += 1;
        if self.chunk.len() == CHUNK {
            self.hand_on();
        }
    }

    /// Hand the files found since the last chunk on to be `stat`ed.
    fn hand_on(&mut self) {
        if self.chunk.is_empty() {
            return;
        }
        let chunk = Arc::new(std::mem::take(&mut self.chunk));
        let first = self.found - chunk.len();
        self.chunks.push(Arc::clone(&chunk));
        if let Some(tasks) = &self.tasks {
            // The receiving end lives as long as the walk: this does not fail.
            let _ = tasks.send((first, chunk));
        }
    }

    /// The entries of `folder` with their names, sorted by name, dot names left out.
    fn listing(&self, folder: &Path) -> std::io::Result<Vec<Named>> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(folder)? {
            let entry = entry?;
            let name = entry.file_name();
            if name.as_bytes().first() != Some(&b'.') {
                entries.push((name, entry));
            }
        }
        entries.sort_by(|a, b| python_order(&a.0, &b.0));
        Ok(entries)
    }

    /// Keep `entry` if it is a record file; the listing of a folder, to walk next.
    fn visit(&mut self, (name, entry): Named) -> Option<Vec<Named>> {
        let path = entry.path();
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(error) => {
                self.failed(path, &error);
                return None;
            }
        };
        if kind.is_dir() {
            if self.is_skipped(&name) {
                return None;
            }
            return match self.listing(&path) {
                Ok(listing) => Some(listing),
                Err(error) => {
                    self.failed(path, &error);
                    None
                }
            };
        }
        if !name.as_bytes().ends_with(&self.suffix) {
            return None;
        }
        let is_file = if kind.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(info) => info.is_file(),
                // A link to nothing is a record file gone, told as one that cannot be
                // looked at (ENOENT), as the walk in Python tells it; unless its name is
                // one the walk passes over.
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    if !self.is_skipped(&name) {
                        self.failed(path, &error);
                    }
                    return None;
                }
                Err(error) => {
                    self.failed(path, &error);
                    return None;
                }
            }
        } else {
            kind.is_file()
        };
        if is_file && !self.is_skipped(&name) {
            self.push(path);
        }
        None
    }

    /// Whether a file or folder of this name is passed over (as `newsrecord.files`
    /// compares: without regard to ASCII case).
    fn is_skipped(&self, name: &OsString) -> bool {
        self.skipped
            .iter()
            .any(|skip| skip.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
    }

    fn failed(&mut self, path: PathBuf, error: &std::io::Error) {
        // An error that is not the system's (none is expected): "invalid argument".
        self.errors
            .push((self.found, error.raw_os_error().unwrap_or(22)));
        self.push(path);
    }
}

/// The order Python gives the names as `str`: by code point, where a byte that is not
/// UTF-8 stands for the code point U+DC80-U+DCFF that decoding it gives (the file system
/// encoding's "surrogateescape"). For UTF-8 names that is the order of their bytes.
fn python_order(a: &OsStr, b: &OsStr) -> std::cmp::Ordering {
    match (a.to_str(), b.to_str()) {
        (Some(a), Some(b)) => a.cmp(b),
        _ => code_points(a.as_bytes()).cmp(code_points(b.as_bytes())),
    }
}

fn code_points(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes.utf8_chunks().flat_map(|chunk| {
        chunk
            .valid()
            .chars()
            .map(u32::from)
            .chain(chunk.invalid().iter().map(|&byte| 0xDC00 + u32::from(byte)))
    })
}
