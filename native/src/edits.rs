//! Helpers of the edit path: finding what changed without a loop in Python over every list
//! of a record, and splicing edits into a text with one copy of it.
//!
//! Each has a pure-Python equivalent in newsrecord (`_bind/snapshot.py`,
//! `_write/splice.py`) that gives the same result; these only make it cost less.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

/// Whether each list of `values` has the length of the tuple at the same place of `olds`
/// and holds the very same objects (by identity, not equality) in the same order.
#[pyfunction]
pub fn same_items(values: &Bound<'_, PyList>, olds: &Bound<'_, PyList>) -> PyResult<bool> {
    let count = values.len();
    if olds.len() != count {
        return Ok(false);
    }
    // SAFETY: both are lists (checked by the signature) that nothing changes while the
    // GIL is held; each item is checked to be a list or a tuple before its storage is read.
    unsafe {
        let values = values.as_ptr();
        let olds = olds.as_ptr();
        for index in 0..count as ffi::Py_ssize_t {
            let now = ffi::PyList_GET_ITEM(values, index);
            let old = ffi::PyList_GET_ITEM(olds, index);
            if ffi::PyList_Check(now) == 0 || ffi::PyTuple_Check(old) == 0 {
                return Err(PyTypeError::new_err("same_items() takes lists and tuples"));
            }
            let length = ffi::PyList_GET_SIZE(now);
            if length != ffi::PyTuple_GET_SIZE(old) {
                return Ok(false);
            }
            for item in 0..length {
                if ffi::PyList_GET_ITEM(now, item) != ffi::PyTuple_GET_ITEM(old, item) {
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
    // SAFETY: as in `same_items`; each item is checked to be a dict.
    unsafe {
        let dicts = dicts.as_ptr();
        for index in 0..ffi::PyList_GET_SIZE(dicts) {
            let dict = ffi::PyList_GET_ITEM(dicts, index);
            if ffi::PyDict_Check(dict) == 0 {
                return Err(PyTypeError::new_err("all_empty() takes a list of dicts"));
            }
            if ffi::PyDict_Size(dict) != 0 {
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

/// `text` with each `(start, end, new)` of `edits` (sorted, not overlapping, within the
/// text) replacing `text[start:end]`: the same string as joining the slices, made with one
/// copy of the text instead of two. None when a removed part holds the only characters
/// that need the text's storage size (rare): the caller joins the slices then.
#[pyfunction]
pub fn splice<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
    edits: Vec<(isize, isize, Bound<'py, PyString>)>,
) -> PyResult<Option<Bound<'py, PyString>>> {
    // SAFETY: the strings are ready (made by Python code) and are read within
    // their lengths, which are checked against every offset first.
    unsafe {
        let raw = text.as_ptr();
        let length = ffi::PyUnicode_GET_LENGTH(raw);
        let mut maximum = ceiling(raw);
        let floor = floor_of(maximum);
        let kind = ffi::PyUnicode_KIND(raw);
        let data = ffi::PyUnicode_DATA(raw);
        let mut total = length;
        let mut position = 0;
        for (start, end, new) in &edits {
            let (start, end) = (*start, *end);
            if start < position || end < start || end > length {
                return Err(PyValueError::new_err(
                    "splice() takes sorted edits within the text",
                ));
            }
            // The result is canonical only if the text it keeps still needs its storage:
            // that is certain when no removed character needs it.
            for at in start..end {
                if read(kind, data, at) > floor {
                    return Ok(None);
                }
            }
            maximum = maximum.max(ceiling(new.as_ptr()));
            total += ffi::PyUnicode_GET_LENGTH(new.as_ptr()) - (end - start);
            position = end;
        }
        let made = ffi::PyUnicode_New(total, maximum as ffi::Py_UCS4);
        if made.is_null() {
            return Err(PyErr::fetch(py));
        }
        let result = Bound::from_owned_ptr(py, made);
        let mut written = 0;
        let mut kept = 0;
        let mut copy = |from: *mut ffi::PyObject, start: isize, count: isize| -> PyResult<()> {
            if count > 0 && ffi::PyUnicode_CopyCharacters(made, written, from, start, count) < 0 {
                return Err(PyErr::fetch(py));
            }
            written += count;
            Ok(())
        };
        for (start, end, new) in &edits {
            copy(raw, kept, start - kept)?;
            copy(new.as_ptr(), 0, ffi::PyUnicode_GET_LENGTH(new.as_ptr()))?;
            kept = *end;
        }
        copy(raw, kept, length - kept)?;
        Ok(Some(result.cast_into_unchecked::<PyString>()))
    }
}
