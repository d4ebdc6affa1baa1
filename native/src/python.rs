//! The extension module: `Scanner(Scalar, Mapping, Sequence, direct=...)`, whose `scan`
//! method has the signature and the results of newsrecord's pure-Python `scan`.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ptr;
use std::sync::{Mutex, TryLockError};

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use crate::scan::{self, KeyHasher, Kind, Limits, Node, Style, Value};

/// Keys seen before, as interned strings: records repeat the same few dozen keys, and a
/// shared string costs no allocation and keeps its hash for the dictionaries it meets.
type Keys = HashMap<Box<[u8]>, Py<PyString>, BuildHasherDefault<KeyHasher>>;

/// Offsets below this are shared int objects, made once: most front matters are shorter, and
/// a node's two offsets are otherwise two allocations (Python shares only ints up to 256).
const SHARED_OFFSETS: usize = 4096;

/// What a scanner keeps from one text to the next.
#[derive(Default)]
struct Cache {
    keys: Keys,
    offsets: Vec<Py<PyAny>>,
}

/// At most this many keys are kept (files of made-up keys must not grow it without end).
const MAX_KEYS: usize = 4096;
/// Longer keys are not kept.
const MAX_KEY_LENGTH: usize = 64;

/// The fields of each node class, in the order of its constructor's parameters.
const SCALAR_FIELDS: [&str; 5] = ["value", "style", "tag", "start", "end"];
/// (`links` is always empty here: the scanner declines anchors, aliases and merge keys.)
const MAPPING_FIELDS: [&str; 5] = ["pairs", "flow", "start", "end", "links"];
const SEQUENCE_FIELDS: [&str; 4] = ["items", "flow", "start", "end"];

/// How the instances of one node class are made.
struct NodeClass {
    class: Py<PyType>,
    /// Where each field's slot lies in an instance, when instances are made directly:
    /// allocated, then their slots filled, as `__init__` would fill them.
    slots: Option<Vec<ffi::Py_ssize_t>>,
}

impl NodeClass {
    fn new(class: &Bound<'_, PyType>, fields: &[&str], direct: bool) -> PyResult<Self> {
        let slots = if direct {
            Some(
                fields
                    .iter()
                    .map(|field| slot_offset(class, field))
                    .collect::<PyResult<Vec<_>>>()?,
            )
        } else {
            None
        };
        Ok(Self {
            class: class.clone().unbind(),
            slots,
        })
    }

    /// A new instance with the given field values; steals every reference in `values`.
    /// Returns null with a Python error set when a value is null or making it fails.
    unsafe fn make<const N: usize>(&self, values: [*mut ffi::PyObject; N]) -> *mut ffi::PyObject {
        if values.iter().any(|value| value.is_null()) {
            for value in values {
                ffi::Py_XDECREF(value);
            }
            return ptr::null_mut();
        }
        let class = self.class.as_ptr().cast::<ffi::PyTypeObject>();
        match &self.slots {
            Some(offsets) => {
                let instance = match (*class).tp_alloc {
                    Some(alloc) => alloc(class, 0),
                    None => ptr::null_mut(),
                };
                if instance.is_null() {
                    for value in values {
                        ffi::Py_DECREF(value);
                    }
                    return ptr::null_mut();
                }
                for (offset, value) in offsets.iter().zip(values) {
                    // A fresh instance's slots are null: nothing to release.
                    *instance
                        .cast::<u8>()
                        .offset(*offset)
                        .cast::<*mut ffi::PyObject>() = value;
                }
                untrack(instance);
                instance
            }
            None => {
                let result =
                    ffi::PyObject_Vectorcall(class.cast(), values.as_ptr(), N, ptr::null_mut());
                for value in values {
                    ffi::Py_DECREF(value);
                }
                result
            }
        }
    }
}

/// The offset of the writable object slot that holds `field` in instances of `class`.
fn slot_offset(class: &Bound<'_, PyType>, field: &str) -> PyResult<ffi::Py_ssize_t> {
    let descriptor = class.getattr(field)?;
    unsafe {
        let raw = descriptor.as_ptr();
        if ffi::Py_TYPE(raw) != ptr::addr_of_mut!(ffi::PyMemberDescr_Type) {
            return Err(PyTypeError::new_err(format!(
                "{field} is not a slot of {}",
                class.name()?
            )));
        }
        let member = &*(*raw.cast::<ffi::PyMemberDescrObject>()).d_member;
        let owner = (*raw.cast::<ffi::PyMemberDescrObject>()).d_common.d_type;
        if member.type_code != ffi::Py_T_OBJECT_EX
            || member.flags & ffi::Py_READONLY != 0
            || ffi::PyType_IsSubtype(class.as_type_ptr(), owner) == 0
        {
            return Err(PyTypeError::new_err(format!(
                "{field} is not a writable object slot of {}",
                class.name()?
            )));
        }
        Ok(member.offset)
    }
}

/// The native scanner, bound to newsrecord's node classes.
#[pyclass(frozen, module = "newsrecord_native")]
struct Scanner {
    scalar: NodeClass,
    mapping: NodeClass,
    sequence: NodeClass,
    /// The style strings: plain, single-quoted, double-quoted.
    styles: [Py<PyString>; 3],
    cache: Mutex<Cache>,
}

#[pymethods]
impl Scanner {
    /// Bind the scanner to the node classes. With `direct`, instances are allocated and
    /// their slots filled without calling `__init__`; only right for classes whose
    /// `__init__` does nothing but store its arguments.
    #[new]
    #[pyo3(signature = (scalar, mapping, sequence, /, *, direct))]
    fn new(
        scalar: &Bound<'_, PyType>,
        mapping: &Bound<'_, PyType>,
        sequence: &Bound<'_, PyType>,
        direct: bool,
    ) -> PyResult<Self> {
        let py = scalar.py();
        Ok(Self {
            scalar: NodeClass::new(scalar, &SCALAR_FIELDS, direct)?,
            mapping: NodeClass::new(mapping, &MAPPING_FIELDS, direct)?,
            sequence: NodeClass::new(sequence, &SEQUENCE_FIELDS, direct)?,
            styles: [
                PyString::intern(py, "").unbind(),
                PyString::intern(py, "'").unbind(),
                PyString::intern(py, "\"").unbind(),
            ],
            cache: Mutex::new(Cache::default()),
        })
    }

    /// Whether instances are made without calling `__init__`.
    #[getter]
    fn direct(&self) -> bool {
        self.scalar.slots.is_some()
    }

    /// Move the spans of the nodes under `roots` past splices, in place: what
    /// `newsrecord._write.splice.respan` does in Python (see there), through the slots
    /// directly. A node that ends before `first` is left with all it holds; one that
    /// starts at or after `last` moves by `total`; any other offset moves by the
    /// `shifts` entry of the last of `ends` (sorted) at or before it.
    ///
    /// Saving one field of a record of 10,000 items moves about 75,000 nodes: 35 ms in
    /// Python, 27 through attribute look-ups from here, a few through the slots.
    ///
    /// Raises TypeError when instances are not made directly (no slots known) or a node
    /// is not of the three classes; nodes moved until then stay moved, so the caller
    /// parses the text again instead.
    #[pyo3(signature = (roots, first, last, total, ends, shifts, /))]
    fn move_spans(
        &self,
        roots: Vec<Bound<'_, PyAny>>,
        first: isize,
        last: isize,
        total: isize,
        ends: Vec<isize>,
        shifts: Vec<isize>,
    ) -> PyResult<()> {
        let (Some(scalar), Some(mapping), Some(sequence)) = (
            &self.scalar.slots,
            &self.mapping.slots,
            &self.sequence.slots,
        ) else {
            return Err(PyTypeError::new_err(
                "move_spans() needs nodes made directly",
            ));
        };
        if ends.len() != shifts.len() {
            return Err(PyTypeError::new_err(
                "move_spans() takes as many ends as shifts",
            ));
        }
        let moved = |offset: isize| -> isize {
            match ends.partition_point(|&end| end <= offset) {
                0 => offset,
                before => offset + shifts[before - 1],
            }
        };
        let classes = [
            self.scalar.class.as_ptr(),
            self.mapping.class.as_ptr(),
            self.sequence.class.as_ptr(),
        ];
        // (start, end) slots of each class, and where a container keeps what it holds.
        let spans = [
            (scalar[3], scalar[4]),
            (mapping[2], mapping[3]),
            (sequence[2], sequence[3]),
        ];
        let held = [None, Some(mapping[0]), Some(sequence[0])];
        // SAFETY: every object pushed is checked to be of one of the three classes, whose
        // slot offsets are known, before a slot is read; a slot that is not set (null) is
        // an error; the old offset objects are released after the new ones are stored;
        // the GIL is held throughout, and the lists and tuples read are the nodes' own.
        unsafe {
            let slot = |object: *mut ffi::PyObject, offset: ffi::Py_ssize_t| {
                object
                    .cast::<u8>()
                    .offset(offset)
                    .cast::<*mut ffi::PyObject>()
            };
            let read = |object: *mut ffi::PyObject, offset| -> PyResult<isize> {
                let value = *slot(object, offset);
                if value.is_null() {
                    return Err(PyTypeError::new_err(
                        "move_spans(): a node without its span",
                    ));
                }
                let number = ffi::PyLong_AsSsize_t(value);
                if number == -1 && !ffi::PyErr_Occurred().is_null() {
                    return Err(PyErr::fetch(roots[0].py()));
                }
                Ok(number)
            };
            let write = |object: *mut ffi::PyObject, offset, number: isize| -> PyResult<()> {
                let new = ffi::PyLong_FromSsize_t(number);
                if new.is_null() {
                    return Err(PyErr::fetch(roots[0].py()));
                }
                let place = slot(object, offset);
                let old = *place;
                *place = new;
                ffi::Py_XDECREF(old);
                Ok(())
            };
            let mut stack: Vec<*mut ffi::PyObject> =
                roots.iter().map(|root| root.as_ptr()).collect();
            while let Some(node) = stack.pop() {
                let kind = ffi::Py_TYPE(node).cast::<ffi::PyObject>();
                let Some(which) = classes.iter().position(|class| *class == kind) else {
                    return Err(PyTypeError::new_err("move_spans() takes nodes only"));
                };
                let (start_slot, end_slot) = spans[which];
                let end = read(node, end_slot)?;
                if end < first {
                    continue; // before every edit, with all it holds
                }
                let start = read(node, start_slot)?;
                let (start, end) = if start >= last {
                    (start + total, end + total)
                } else {
                    (moved(start), moved(end))
                };
                write(node, start_slot, start)?;
                write(node, end_slot, end)?;
                let Some(held_slot) = held[which] else {
                    continue;
                };
                let list = *slot(node, held_slot);
                if list.is_null() || ffi::PyList_Check(list) == 0 {
                    return Err(PyTypeError::new_err(
                        "move_spans(): a node without its list",
                    ));
                }
                for index in 0..ffi::PyList_GET_SIZE(list) {
                    let item = ffi::PyList_GET_ITEM(list, index);
                    if which == 2 {
                        stack.push(item); // a sequence's item
                    } else if ffi::PyTuple_Check(item) != 0 && ffi::PyTuple_GET_SIZE(item) == 2 {
                        stack.push(ffi::PyTuple_GET_ITEM(item, 0)); // a mapping's key
                        stack.push(ffi::PyTuple_GET_ITEM(item, 1)); // and its value
                    } else {
                        return Err(PyTypeError::new_err("move_spans(): a pair that is not one"));
                    }
                }
            }
        }
        Ok(())
    }

    /// Return the root mapping of ``text[start:end]``, or None to use the full parser.
    #[pyo3(signature = (text, start, end, max_depth, max_nodes, /))]
    fn scan(
        &self,
        text: &Bound<'_, PyString>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        max_depth: &Bound<'_, PyAny>,
        max_nodes: &Bound<'_, PyAny>,
    ) -> PyResult<Option<Py<PyAny>>> {
        let py = text.py();
        let limits = Limits {
            max_depth: saturating(max_depth)?,
            max_nodes: saturating(max_nodes)?,
        };
        let first = saturating(start)?;
        let last = saturating(end)?;
        unsafe {
            let raw = text.as_ptr();
            if ffi::PyUnicode_READY(raw) != 0 {
                return Err(PyErr::fetch(py));
            }
            let length = ffi::PyUnicode_GET_LENGTH(raw) as usize;
            // As the `pos` and `endpos` of Python's regular expressions.
            let first = first.clamp(0, length as i64) as usize;
            let last = last.clamp(0, length as i64) as usize;
            if first >= last {
                return Ok(None);
            }
            let data = ffi::PyUnicode_DATA(raw);
            let nodes = match ffi::PyUnicode_KIND(raw) {
                ffi::PyUnicode_1BYTE_KIND => {
                    let units = std::slice::from_raw_parts(data.cast::<u8>(), length);
                    scan::scan(units, first, last, limits)
                }
                ffi::PyUnicode_2BYTE_KIND => {
                    let units = std::slice::from_raw_parts(data.cast::<u16>(), length);
                    scan::scan(units, first, last, limits)
                }
                _ => {
                    let units = std::slice::from_raw_parts(data.cast::<u32>(), length);
                    scan::scan(units, first, last, limits)
                }
            };
            let Some(nodes) = nodes else {
                return Ok(None);
            };
            // Making objects may run the garbage collector, and a finalizer may load a
            // record with this very scanner (or let another thread do so): such a call
            // works without the cache rather than wait for it.
            let mut guard = match self.cache.try_lock() {
                Ok(guard) => Some(guard),
                Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => None,
            };
            let mut spare = Cache::default();
            let cache = match guard.as_mut() {
                Some(guard) => &mut **guard,
                None => &mut spare,
            };
            let mut build = Build {
                scanner: self,
                cache,
                kind: ffi::PyUnicode_KIND(raw),
                data,
                text: raw,
                nodes: &nodes,
                next: 0,
                end: end.as_ptr(),
            };
            let root = build.node();
            Ok(Some(Bound::from_owned_ptr_or_err(py, root)?.unbind()))
        }
    }
}

/// An integer argument, saturated to the range of i64 as Python's comparisons would see it.
fn saturating(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    match value.extract::<i64>() {
        Ok(number) => Ok(number),
        Err(error) if error.is_instance_of::<PyOverflowError>(value.py()) => {
            Ok(if value.gt(0)? { i64::MAX } else { i64::MIN })
        }
        Err(error) => Err(error),
    }
}

/// Turns the flat pre-order nodes into node objects.
struct Build<'s> {
    scanner: &'s Scanner,
    cache: &'s mut Cache,
    /// The text's width and code units.
    kind: std::os::raw::c_uint,
    data: *mut std::os::raw::c_void,
    /// The text, whose slices are the values of most scalars.
    text: *mut ffi::PyObject,
    nodes: &'s [Node],
    next: usize,
    /// The caller's `end`, reported as the end of collections that run to the end.
    end: *mut ffi::PyObject,
}

impl Build<'_> {
    /// The next node (and its subtree) as a new reference; null with an error set on failure.
    unsafe fn node(&mut self) -> *mut ffi::PyObject {
        let node = &self.nodes[self.next];
        self.next += 1;
        match &node.kind {
            Kind::Scalar(value, style) => {
                let value = match value {
                    Value::Slice(start, end) => ffi::PyUnicode_Substring(
                        self.text,
                        *start as ffi::Py_ssize_t,
                        *end as ffi::Py_ssize_t,
                    ),
                    Value::Owned(value) => ffi::PyUnicode_FromStringAndSize(
                        value.as_ptr().cast(),
                        value.len() as ffi::Py_ssize_t,
                    ),
                };
                let style = match style {
                    Style::Plain => 0,
                    Style::Single => 1,
                    Style::Double => 2,
                };
                self.scalar(value, style, node.start, node.end)
            }
            Kind::Mapping(count) => {
                let (start, end) = (node.start, node.end);
                let pairs = self.children(*count, true);
                if pairs.is_null() {
                    return pairs;
                }
                let (start, end) = self.span(start, end);
                self.scanner.mapping.make([pairs, false_(), start, end, empty_tuple()])
            }
            Kind::Sequence(count) | Kind::FlowSequence(count) => {
                let flow = matches!(node.kind, Kind::FlowSequence(_));
                let (start, end) = (node.start, node.end);
                let items = self.children(*count, false);
                if items.is_null() {
                    return items;
                }
                let (start, end) = self.span(start, end);
                let flag = if flow { true_() } else { false_() };
                self.scanner.sequence.make([items, flag, start, end])
            }
        }
    }

    /// A scalar node; steals `value` (null if making it failed).
    unsafe fn scalar(
        &mut self,
        value: *mut ffi::PyObject,
        style: usize,
        start: usize,
        end: Option<usize>,
    ) -> *mut ffi::PyObject {
        if value.is_null() {
            return value;
        }
        let style = self.scanner.styles[style].as_ptr();
        ffi::Py_INCREF(style);
        ffi::Py_INCREF(ffi::Py_None());
        let (start, end) = self.span(start, end);
        self.scanner
            .scalar
            .make([value, style, ffi::Py_None(), start, end])
    }

    /// The start and end offsets as new references (null if making one failed).
    unsafe fn span(
        &mut self,
        start: usize,
        end: Option<usize>,
    ) -> (*mut ffi::PyObject, *mut ffi::PyObject) {
        let start = self.offset(start);
        if start.is_null() {
            return (start, ptr::null_mut());
        }
        let end = match end {
            Some(end) => self.offset(end),
            None => {
                ffi::Py_INCREF(self.end);
                self.end
            }
        };
        (start, end)
    }

    /// An offset as a new reference (null if making it failed).
    unsafe fn offset(&mut self, offset: usize) -> *mut ffi::PyObject {
        if offset >= SHARED_OFFSETS {
            return ffi::PyLong_FromSsize_t(offset as ffi::Py_ssize_t);
        }
        let shared = &mut self.cache.offsets;
        while shared.len() <= offset {
            let number = ffi::PyLong_FromSsize_t(shared.len() as ffi::Py_ssize_t);
            if number.is_null() {
                return number;
            }
            shared.push(Bound::from_owned_ptr(Python::assume_attached(), number).unbind());
        }
        let number = shared[offset].as_ptr();
        ffi::Py_INCREF(number);
        number
    }

    /// The next node, a key: like [`Build::node`], with its string taken from the cache.
    unsafe fn key(&mut self) -> *mut ffi::PyObject {
        let node = &self.nodes[self.next];
        let Kind::Scalar(Value::Slice(start, end), Style::Plain) = node.kind else {
            return self.node();
        };
        if end - start > MAX_KEY_LENGTH {
            return self.node();
        }
        // Keys are ASCII words, so their code points are their bytes.
        let mut buffer = [0u8; MAX_KEY_LENGTH];
        let name = &mut buffer[..end - start];
        for (index, byte) in name.iter_mut().enumerate() {
            let at = start + index;
            *byte = match self.kind {
                ffi::PyUnicode_1BYTE_KIND => *self.data.cast::<u8>().add(at),
                ffi::PyUnicode_2BYTE_KIND => *self.data.cast::<u16>().add(at) as u8,
                _ => *self.data.cast::<u32>().add(at) as u8,
            };
        }
        let value = match self.cache.keys.get(&*name) {
            Some(value) => {
                let value = value.as_ptr();
                ffi::Py_INCREF(value);
                value
            }
            None => {
                let mut value = ffi::PyUnicode_Substring(
                    self.text,
                    start as ffi::Py_ssize_t,
                    end as ffi::Py_ssize_t,
                );
                if value.is_null() {
                    return value;
                }
                ffi::PyUnicode_InternInPlace(&mut value);
                if self.cache.keys.len() < MAX_KEYS {
                    self.cache.keys.insert(
                        Box::from(&*name),
                        Bound::from_borrowed_ptr(Python::assume_attached(), value)
                            .cast_into_unchecked::<PyString>()
                            .unbind(),
                    );
                }
                value
            }
        };
        self.next += 1;
        self.scalar(value, 0, start, Some(end))
    }

    /// A list of `count` children: `(key, value)` tuples for a mapping, nodes for a list.
    unsafe fn children(&mut self, count: usize, pairs: bool) -> *mut ffi::PyObject {
        let list = ffi::PyList_New(count as ffi::Py_ssize_t);
        if list.is_null() {
            return list;
        }
        untrack(list);
        for index in 0..count {
            let child = if pairs {
                let key = self.key();
                if key.is_null() {
                    // No further Python call with an exception set.
                    ffi::Py_DECREF(list);
                    return key;
                }
                let value = self.node();
                tuple2(key, value)
            } else {
                self.node()
            };
            if child.is_null() {
                ffi::Py_DECREF(list);
                return child;
            }
            ffi::PyList_SET_ITEM(list, index as ffi::Py_ssize_t, child);
        }
        list
    }
}

unsafe fn true_() -> *mut ffi::PyObject {
    let value = ffi::Py_True();
    ffi::Py_INCREF(value);
    value
}

unsafe fn false_() -> *mut ffi::PyObject {
    let value = ffi::Py_False();
    ffi::Py_INCREF(value);
    value
}

/// The empty tuple (a new reference; Python shares one). Null with an error set if it fails.
unsafe fn empty_tuple() -> *mut ffi::PyObject {
    ffi::PyTuple_New(0)
}

/// A pair; steals both references. Null (with an error set) if either is null.
unsafe fn tuple2(first: *mut ffi::PyObject, second: *mut ffi::PyObject) -> *mut ffi::PyObject {
    if first.is_null() || second.is_null() {
        ffi::Py_XDECREF(first);
        ffi::Py_XDECREF(second);
        return ptr::null_mut();
    }
    let pair = ffi::PyTuple_New(2);
    if pair.is_null() {
        ffi::Py_DECREF(first);
        ffi::Py_DECREF(second);
        return pair;
    }
    ffi::PyTuple_SET_ITEM(pair, 0, first);
    ffi::PyTuple_SET_ITEM(pair, 1, second);
    untrack(pair);
    pair
}

/// Take a new node, or a list or pair of nodes, out of the cycle collector's sight.
///
/// A tree of nodes holds no cycle (a node never refers to its parent), so reference
/// counting alone frees it. Left tracked, the nodes of every document a program keeps
/// (a site's worth, or one record of 10,000 items) are walked by each full collection,
/// and loading while they are kept cost up to four times as much.
unsafe fn untrack(object: *mut ffi::PyObject) {
    if ffi::PyObject_IS_GC(object) != 0 {
        ffi::PyObject_GC_UnTrack(object.cast());
    }
}

#[pymodule]
fn newsrecord_native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Scanner>()?;
    module.add_function(wrap_pyfunction!(crate::edits::same_lists, module)?)?;
    module.add_function(wrap_pyfunction!(crate::edits::all_empty, module)?)?;
    module.add_function(wrap_pyfunction!(crate::edits::start_splice, module)?)?;
    module.add_class::<crate::edits::Splicing>()?;
    #[cfg(unix)]
    module.add_function(wrap_pyfunction!(crate::files::stat_files, module)?)?;
    #[cfg(unix)]
    module.add_function(wrap_pyfunction!(crate::files::scan_folder, module)?)?;
    Ok(())
}
