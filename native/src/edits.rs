//! Helpers of the edit path: finding what changed without a loop in Python over every list
//! of a record, and splicing edits into a text with one copy of it.
//!
//! Each has a pure-Python equivalent in newsrecord (`_bind/snapshot.py`,
//! `_write/splice.py`) that gives the same result; these only make it cost less.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How many containers ahead of the one compared the loops below ask the memory for.
///
/// The containers of a large record lie all over the heap, and are mostly not in the
/// cache when an edit is saved (the load, and any collection of the garbage collector,
/// went through far more memory since): each one read is a wait for the memory. The
/// processor waits for several at once only if it is told of them early enough, which is
/// what these prefetches do; far enough ahead to cover the wait, near enough that what
/// they fetched is still in the cache when it is read.
const AHEAD: ffi::Py_ssize_t = 16;

/// Ask the memory for the cache line at `at`, without waiting for it: a hint, which reads
/// nothing the program sees and never faults, whatever the address. On x86-64 only (the
/// machines measured); elsewhere the loops run as well without it, a little slower.
#[inline(always)]
fn prefetch<T>(at: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing the program sees and never faults.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// The length and the items of `sequence`, a list or a tuple; None for anything else.
///
/// SAFETY: `sequence` is a live object, and the items are read while the GIL is held.
unsafe fn items_of(
    sequence: *mut ffi::PyObject,
) -> Option<(ffi::Py_ssize_t, *mut *mut ffi::PyObject)> {
    if ffi::PyTuple_Check(sequence) != 0 {
        let tuple = sequence.cast::<ffi::PyTupleObject>();
        Some((
            ffi::PyTuple_GET_SIZE(sequence),
            (*tuple).ob_item.as_mut_ptr(),
        ))
    } else if ffi::PyList_Check(sequence) != 0 {
        let list = sequence.cast::<ffi::PyListObject>();
        Some((ffi::PyList_GET_SIZE(sequence), (*list).ob_item))
    } else {
        None
    }
}

/// Whether each list of `lists` holds what the sequence (a tuple or a list) at the same
/// place of `olds` holds: as many items, and the very same objects (by identity, not
/// equality), in the same order.
#[pyfunction]
pub fn same_lists(lists: &Bound<'_, PyList>, olds: &Bound<'_, PyList>) -> PyResult<bool> {
    if olds.len() != lists.len() {
        return Ok(false);
    }
    // SAFETY: both are lists (checked by the signature) that nothing changes while the
    // GIL is held; each of their items is checked to be a list (or a tuple) before its
    // storage is read. A prefetch reads nothing: it only hints at what comes next (a
    // list's storage is hinted at once its object, hinted at twice as far ahead, has had
    // time to arrive; a tuple keeps its items in its object).
    unsafe {
        let lists = lists.as_ptr();
        let olds = olds.as_ptr();
        let count = ffi::PyList_GET_SIZE(lists);
        for index in 0..count.min(2 * AHEAD) {
            prefetch(ffi::PyList_GET_ITEM(lists, index));
            prefetch(ffi::PyList_GET_ITEM(olds, index));
        }
        for index in 0..count {
            if index + 2 * AHEAD < count {
                prefetch(ffi::PyList_GET_ITEM(lists, index + 2 * AHEAD));
                prefetch(ffi::PyList_GET_ITEM(olds, index + 2 * AHEAD));
            }
            if index + AHEAD < count {
                let ahead = ffi::PyList_GET_ITEM(lists, index + AHEAD);
                if ffi::PyList_Check(ahead) != 0 {
                    prefetch((*ahead.cast::<ffi::PyListObject>()).ob_item);
                }
            }
            let now = ffi::PyList_GET_ITEM(lists, index);
            if ffi::PyList_Check(now) == 0 {
                return Err(PyTypeError::new_err("same_lists() takes lists of lists"));
            }
            let Some((length, was)) = items_of(ffi::PyList_GET_ITEM(olds, index)) else {
                return Err(PyTypeError::new_err(
                    "same_lists() takes lists and tuples as olds",
                ));
            };
            if ffi::PyList_GET_SIZE(now) != length {
                return Ok(false);
            }
            let items = (*now.cast::<ffi::PyListObject>()).ob_item;
            for item in 0..length as usize {
                if *items.add(item) != *was.add(item) {
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

/// Whether every dict of `dicts` is empty.
#[pyfunction]
pub fn all_empty(dicts: &Bound<'_, PyList>) -> PyResult<bool> {
    // SAFETY: as in `same_lists`; each item is checked to be a dict (of any class: all
    // keep their size in the same place) before its size is read.
    unsafe {
        let dicts = dicts.as_ptr();
        let count = ffi::PyList_GET_SIZE(dicts);
        for index in 0..count.min(AHEAD) {
            prefetch(ffi::PyList_GET_ITEM(dicts, index));
        }
        for index in 0..count {
            if index + AHEAD < count {
                prefetch(ffi::PyList_GET_ITEM(dicts, index + AHEAD));
            }
            let dict = ffi::PyList_GET_ITEM(dicts, index);
            if ffi::PyDict_Check(dict) == 0 {
                return Err(PyTypeError::new_err("all_empty() takes a list of dicts"));
            }
            if (*dict.cast::<ffi::PyDictObject>()).ma_used != 0 {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// The largest code point a string of this storage may hold.
unsafe fn ceiling(text: *mut ffi::PyObject) -> u32 {
    match ffi::PyUnicode_KIND(text) {
        ffi::PyUnicode_1BYTE_KIND if ffi::PyUnicode_IS_ASCII(text) != 0 => 0x7f,
        ffi::PyUnicode_1BYTE_KIND => 0xff,
        ffi::PyUnicode_2BYTE_KIND => 0xffff,
        _ => 0x10_ffff,
    }
}

/// The code points above this one need the storage of `ceiling` (none, for ASCII).
fn floor_of(ceiling: u32) -> u32 {
    match ceiling {
        0x7f => u32::MAX,
        0xff => 0x7f,
        0xffff => 0xff,
        _ => 0xffff,
    }
}

/// The code point at `at` of a string's storage.
unsafe fn read(kind: u32, data: *mut std::ffi::c_void, at: isize) -> u32 {
    match kind {
        ffi::PyUnicode_1BYTE_KIND => u32::from(*data.cast::<u8>().offset(at)),
        ffi::PyUnicode_2BYTE_KIND => u32::from(*data.cast::<u16>().offset(at)),
        _ => *data.cast::<u32>().offset(at),
    }
}

/// The ceiling of a string whose largest code point is `point`.
fn ceiling_of(point: u32) -> u32 {
    match point {
        0..=0x7f => 0x7f,
        0x80..=0xff => 0xff,
        0x100..=0xffff => 0xffff,
        _ => 0x10_ffff,
    }
}

/// Copies of at least this many bytes start another thread (see [`Copies`]) and write
/// around the cache (see [`stream`]); smaller ones are made by the caller alone, as usual,
/// since a thread costs about 30 µs to start and the new string is soon read.
const SHARED_COPY: usize = 1 << 21;

/// The parts a copy is cut into, which the two threads take in turn.
const PART: usize = 1 << 19;

/// `(from, into, count)`: the addresses of a byte copy (as numbers: raw pointers are not
/// `Send`) and its length.
type Range = (usize, usize, usize);

/// Byte copies into a string under construction, shared out between two threads.
///
/// An edit of a large record costs mostly the copy of its text into the new string (one
/// field of a 7.9-million-character record, stored two bytes a character: 15.7 MB, about
/// 1.2 ms). Another thread starts on the copy as soon as the edits are known, while the
/// caller goes on: with its own work (newsrecord checks that nothing else of the record
/// changed, reading objects all over the heap, a wait for the memory that overlaps well
/// with a copy), then with the copy. Both take parts of it in turn, so whoever is free
/// copies. Nothing here touches Python objects, so the other thread needs no GIL.
struct Copies {
    parts: Vec<Range>,
    /// The next part to take; parts past the end are taken by nobody.
    next: AtomicUsize,
    /// Whether the copy is large enough to write around the cache (see [`stream`]).
    streamed: bool,
}

impl Copies {
    /// The copies of `ranges`, cut into parts of at most [`PART`] bytes.
    fn new(ranges: &[Range]) -> Self {
        let mut parts = Vec::new();
        for &(from, into, count) in ranges {
            let mut done = 0;
            while done < count {
                let size = PART.min(count - done);
                parts.push((from + done, into + done, size));
                done += size;
            }
        }
        let streamed = parts.iter().map(|part| part.2).sum::<usize>() >= SHARED_COPY;
        Self {
            parts,
            next: AtomicUsize::new(0),
            streamed,
        }
    }

    /// Copy parts until none is left.
    ///
    /// SAFETY: each part's ranges are valid and do not overlap (each is taken once).
    unsafe fn run(&self) {
        loop {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(&(from, into, count)) = self.parts.get(index) else {
                return;
            };
            if self.streamed {
                stream(from as *const u8, into as *mut u8, count);
            } else {
                std::ptr::copy_nonoverlapping(from as *const u8, into as *mut u8, count);
            }
        }
    }

    /// Leave the parts not yet taken to nobody.
    fn stop(&self) {
        self.next.store(self.parts.len(), Ordering::Relaxed);
    }
}

/// Copy `count` bytes from `from` to `into` (which do not overlap), writing around the
/// cache.
///
/// A copy of megabytes is bound by the memory. An ordinary store first reads the line it
/// writes into the cache, a third stream of traffic beside the reading and the writing;
/// a streaming store does not, and leaves the cache to what the program reads next (the
/// new text is not read again soon: it is far larger than the cache). On the 2-core
/// machines measured, a 15.7 MB copy took 0.6-0.75 ms this way on two threads, against
/// 0.8-1.0 ms with `memcpy` (it streams only past a threshold of its own, which parts
/// of [`PART`] bytes stay under).
///
/// SAFETY: `from` and `into` are valid for `count` bytes and do not overlap.
unsafe fn stream(from: *const u8, into: *mut u8, count: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_sfence, _mm_stream_si128};
        // Streaming stores take 16-byte aligned addresses: the bytes before one are copied
        // as usual, as are those after the last whole 64 bytes.
        let head = into.align_offset(16).min(count);
        std::ptr::copy_nonoverlapping(from, into, head);
        let mut done = head;
        while done + 64 <= count {
            for lane in [0, 16, 32, 48] {
                let value = _mm_loadu_si128(from.add(done + lane).cast::<__m128i>());
                _mm_stream_si128(into.add(done + lane).cast::<__m128i>(), value);
            }
            done += 64;
        }
        // Streaming stores are not ordered with later ones: fence them before the string
        // is handed out (or the thread joined).
        _mm_sfence();
        std::ptr::copy_nonoverlapping(from.add(done), into.add(done), count - done);
    }
    #[cfg(not(target_arch = "x86_64"))]
    std::ptr::copy_nonoverlapping(from, into, count);
}

/// Whether this process may run on more than one core (asked once).
pub(crate) fn two_cores() -> bool {
    static CORES: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// `text` with each `(start, end, new)` of `edits` (sorted, not overlapping, within the
/// text) replacing `text[start:end]`: the same string as joining the slices, made with one
/// copy of the text instead of two.
///
/// Python keeps each string in the narrowest storage its characters fit (and compares
/// strings of different storage as unequal), so the result's storage is worked out first:
/// the widest of the inserted texts' and of the kept text's. The kept text needs the whole
/// text's storage unless the edits removed every character that needed it, which only a
/// look at the removed parts (small) can rule out; only then is the kept text read through.
///
/// Begun: a copy of more than 2 MB goes on in another thread while the caller does other
/// work, until [`Splicing::finish`] (or [`Splicing::cancel`]).
#[pyfunction]
pub fn start_splice<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
    edits: Vec<(isize, isize, Bound<'py, PyString>)>,
) -> PyResult<Splicing> {
    let (made, ranges) = prepare(py, text, &edits)?;
    let copies = Arc::new(Copies::new(&ranges));
    let helper = if copies.streamed && two_cores() {
        let shared = Arc::clone(&copies);
        // SAFETY: the parts are ranges of the strings copied from and of `made`, which the
        // Splicing keeps alive and does not hand out until this thread has ended (see
        // `finish` and `Drop`). If no thread can be started, the caller copies it all.
        std::thread::Builder::new()
            .spawn(move || unsafe { shared.run() })
            .ok()
    } else {
        None
    };
    Ok(Splicing {
        made: Some(made.unbind()),
        _sources: std::iter::once(text)
            .chain(edits.iter().map(|(_, _, new)| new))
            .map(|source| source.clone().unbind())
            .collect(),
        copies,
        helper,
    })
}

/// A splice under way (see [`start_splice`]): the new string, not handed out until every
/// byte of it is copied.
#[pyclass(module = "newsrecord_native")]
pub struct Splicing {
    /// The new string; None once handed out or cancelled.
    made: Option<Py<PyString>>,
    /// The strings copied from (the text and the inserted ones), kept alive while the copy
    /// goes on.
    _sources: Vec<Py<PyString>>,
    copies: Arc<Copies>,
    helper: Option<std::thread::JoinHandle<()>>,
}

impl Splicing {
    /// Wait for the other thread, which ends once no part is left.
    fn join(&mut self) -> PyResult<()> {
        match self.helper.take().map(std::thread::JoinHandle::join) {
            Some(Err(_)) => Err(PyValueError::new_err("the copying thread failed")),
            _ => Ok(()),
        }
    }
}

#[pymethods]
impl Splicing {
    /// The new string: copies what is left of the text (with the other thread, if any),
    /// then hands it out. Only once.
    fn finish(&mut self) -> PyResult<Py<PyString>> {
        let Some(made) = self.made.take() else {
            return Err(PyValueError::new_err(
                "the splice was finished or cancelled",
            ));
        };
        // SAFETY: the parts are disjoint ranges of live strings (see `start_splice`).
        unsafe { self.copies.run() };
        self.join()?;
        Ok(made)
    }

    /// Stop the copy and drop the new string (the edits turned out not to be the ones).
    fn cancel(&mut self) -> PyResult<()> {
        self.copies.stop();
        self.join()?;
        self.made = None;
        Ok(())
    }
}

impl Drop for Splicing {
    fn drop(&mut self) {
        // The other thread must not write into the string once it is freed.
        self.copies.stop();
        let _ = self.join();
    }
}

/// The new string of `start_splice`, its inserted texts and any part of another storage already
/// copied in; and the byte ranges `(from, into, count)` of the rest, still to copy.
fn prepare<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
    edits: &[(isize, isize, Bound<'py, PyString>)],
) -> PyResult<(Bound<'py, PyString>, Vec<Range>)> {
    // SAFETY: the strings are ready (made by Python code) and are read within their
    // lengths, which are checked against every offset first.
    unsafe {
        let raw = text.as_ptr();
        let length = ffi::PyUnicode_GET_LENGTH(raw);
        let whole = ceiling(raw);
        let floor = floor_of(whole);
        let kind = ffi::PyUnicode_KIND(raw);
        let data = ffi::PyUnicode_DATA(raw);
        let mut total = length;
        let mut position = 0;
        let mut inserted = 0x7f;
        let mut removed_wide = false;
        for (start, end, new) in edits {
            let (start, end) = (*start, *end);
            if start < position || end < start || end > length {
                return Err(PyValueError::new_err(
                    "start_splice() takes sorted edits within the text",
                ));
            }
            removed_wide = removed_wide || (start..end).any(|at| read(kind, data, at) > floor);
            inserted = inserted.max(ceiling(new.as_ptr()));
            total += ffi::PyUnicode_GET_LENGTH(new.as_ptr()) - (end - start);
            position = end;
        }
        let kept = if removed_wide {
            // Read the kept text until a character that needs the whole storage.
            let mut widest = 0;
            let mut from = 0;
            for (start, end, _) in edits
                .iter()
                .map(|(s, e, n)| (*s, *e, n))
                .chain([(length, length, text)])
            {
                for at in from..start {
                    widest = widest.max(read(kind, data, at));
                    if widest > floor {
                        break;
                    }
                }
                if widest > floor {
                    break;
                }
                from = end;
            }
            ceiling_of(widest)
        } else {
            whole
        };
        let made = ffi::PyUnicode_New(total, kept.max(inserted) as ffi::Py_UCS4);
        if made.is_null() {
            return Err(PyErr::fetch(py));
        }
        let result = Bound::from_owned_ptr(py, made);
        let mut written = 0;
        let into_kind = ffi::PyUnicode_KIND(made);
        let into_data = ffi::PyUnicode_DATA(made).cast::<u8>();
        let mut ranges = Vec::new();
        let mut copy = |from: *mut ffi::PyObject, start: isize, count: isize| -> PyResult<()> {
            if count <= 0 {
                return Ok(());
            }
            let from_kind = ffi::PyUnicode_KIND(from);
            if from_kind == into_kind {
                // The same storage: copy the code units, which fit (the storage was worked
                // out above). Not PyUnicode_CopyCharacters: copying Latin-1 text into an
                // ASCII string, it checks the source's first `count` characters rather than
                // those from `start`, and refuses an ASCII slice of a Latin-1 string.
                let width = from_kind as usize; // 1, 2 or 4 bytes a code unit
                ranges.push((
                    ffi::PyUnicode_DATA(from)
                        .cast::<u8>()
                        .add(start as usize * width) as usize,
                    into_data.add(written as usize * width) as usize,
                    count as usize * width,
                ));
            } else if ffi::PyUnicode_CopyCharacters(made, written, from, start, count) < 0 {
                return Err(PyErr::fetch(py));
            }
            written += count;
            Ok(())
        };
        let mut from = 0;
        for (start, end, new) in edits {
            copy(raw, from, start - from)?;
            copy(new.as_ptr(), 0, ffi::PyUnicode_GET_LENGTH(new.as_ptr()))?;
            from = *end;
        }
        copy(raw, from, length - from)?;
        Ok((result.cast_into_unchecked::<PyString>(), ranges))
    }
}
