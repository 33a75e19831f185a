//! Builds a spec file's `serde_yaml::Value` from yaml-rust2's events, the
//! same events that index its positions ([`crate::source`]), so each file is
//! parsed once (issue 14: the second parse, serde_yaml's libyaml, was about
//! 17% of codegen's time).
//!
//! The value is what `serde_yaml::from_str::<serde_yaml::Value>` gives for
//! the same text (the scalar rules are serde_yaml's, see `yaml_value/scalar.rs`), and so
//! are its refusals: one document per file, at most 128 nested collections,
//! a key only once per mapping (by value: `1` and `0x1` are the same key).
//! Hand-rolled because no crate turns yaml-rust2 events into serde_yaml's
//! `Value`; yaml-rust2's own `YamlLoader` builds a different tree type.
//!
//! Aliases copy their anchored value. The copies are bounded
//! ([`MAX_ALIAS_COPY_BYTES`]), so a "billion laughs" file fails with a
//! located error instead of eating memory.

use std::collections::HashMap;

use serde_yaml::mapping::Entry;
use serde_yaml::{Mapping, Sequence, Value};
use yaml_rust2::parser::{Event, Tag as EventTag};

use crate::diagnostic::Position;

mod scalar;

/// The deepest nesting of sequences and mappings accepted: serde_yaml's
/// limit, which also keeps the recursive code after loading (the key
/// check, serde, `Drop`) far from the end of its stack.
pub const MAX_DEPTH: usize = 128;

/// How much anchored values and their alias copies may weigh in all, in
/// (estimated) bytes. A spec needs a few small aliases at most; a file
/// whose aliases multiply (each level aliasing the one below ten times)
/// hits this after a few levels instead of growing to gigabytes.
pub const MAX_ALIAS_COPY_BYTES: usize = 64 * 1024 * 1024;

/// A YAML problem in a spec file, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// Where it is (1-based line and column).
    pub position: Position,
    /// What is wrong, without the position.
    pub message: String,
    /// How to fix it, when there is something more specific to say than
    /// the generic YAML hint.
    pub help: Option<String>,
}

impl YamlError {
    pub(crate) fn new(position: Position, message: impl Into<String>) -> Self {
        YamlError {
            position,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: &str) -> Self {
        self.help = Some(help.to_owned());
        self
    }
}

/// A finished value, its estimated size in bytes and how many collections
/// deep it is (a scalar is 0).
#[derive(Clone)]
struct Node {
    value: Value,
    weight: usize,
    height: usize,
}

/// A sequence or mapping whose end event has not come yet.
struct Open {
    collection: Collection,
    tag: Option<String>,
    anchor: usize,
    weight: usize,
    height: usize,
    /// Where the collection starts, to place its errors and its key.
    start: Position,
}

enum Collection {
    Sequence(Sequence),
    /// `key` holds a finished key until its value arrives.
    Mapping {
        mapping: Mapping,
        key: Option<(Value, Position)>,
    },
}

enum Anchor {
    /// The anchored collection is still being read: an alias to it would
    /// contain itself.
    Open,
    Done(Node),
}

/// Receives the events of one document and builds its value. After the
/// first problem it keeps that problem and ignores the rest, so the caller
/// can go on indexing positions (and find every duplicate key).
#[derive(Default)]
pub(crate) struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Anchor>,
    root: Option<Value>,
    copied: usize,
    failed: Option<YamlError>,
}

impl Builder {
    /// Takes one event of the document (not the stream or document events).
    pub fn event(&mut self, event: Event, at: Position) {
        if self.failed.is_some() {
            return;
        }
        if let Err(error) = self.take(event, at) {
            self.failed = Some(error);
            // Free what was built: nothing more is needed from it.
            self.stack = Vec::new();
            self.anchors = HashMap::new();
        }
    }

    /// The document's value (null for an empty stream), or its first problem.
    pub fn finish(self) -> Result<Value, YamlError> {
        match self.failed {
            Some(error) => Err(error),
            None => Ok(self.root.unwrap_or(Value::Null)),
        }
    }

    fn take(&mut self, event: Event, at: Position) -> Result<(), YamlError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let weight = NODE_BYTES + text.len();
                let value = scalar::scalar(text, style, tag.as_ref())
                    .map_err(|message| YamlError::new(at, message))?;
                let node = Node {
                    value,
                    weight,
                    height: 0,
                };
                self.anchor(anchor, &node, at)?;
                self.add(node, at)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(Collection::Sequence(Sequence::new()), anchor, tag, at)
            }
            Event::MappingStart(anchor, tag) => self.open(
                Collection::Mapping {
                    mapping: Mapping::new(),
                    key: None,
                },
                anchor,
                tag,
                at,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = self.stack.pop() else {
                    return Err(YamlError::new(at, "a collection ends that never started"));
                };
                let value = match open.collection {
                    Collection::Sequence(items) => Value::Sequence(items),
                    Collection::Mapping { mapping, .. } => Value::Mapping(mapping),
                };
                let value = match &open.tag {
                    Some(tag) => scalar::tagged(tag, value),
                    None => value,
                };
                let node = Node {
                    value,
                    weight: open.weight,
                    height: open.height + 1,
                };
                self.anchor(open.anchor, &node, open.start)?;
                self.add(node, open.start)
            }
            Event::Alias(id) => {
                let node = match self.anchors.get(&id) {
                    Some(Anchor::Done(node)) => node,
                    Some(Anchor::Open) => {
                        return Err(YamlError::new(
                            at,
                            "this alias refers to a value that contains it",
                        )
                        .with_help("an alias can only repeat a value that is already complete; write the value out instead"));
                    }
                    None => return Err(YamlError::new(at, "unknown anchor")),
                };
                if self.stack.len() + node.height > MAX_DEPTH {
                    return Err(too_deep(at));
                }
                let node = node.clone();
                self.spend(node.weight, at)?;
                self.add(node, at)
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => Ok(()),
        }
    }

    fn open(
        &mut self,
        collection: Collection,
        anchor: usize,
        tag: Option<EventTag>,
        at: Position,
    ) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(too_deep(at));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, Anchor::Open);
        }
        // Only `!custom` tags stay on a collection; serde_yaml drops the
        // core ones (`!!map`, `!!seq`) and other global tags.
        let tag = tag.and_then(|tag| {
            let full = scalar::full_tag(&tag);
            scalar::local_tag(&full).map(str::to_owned)
        });
        self.stack.push(Open {
            collection,
            tag,
            anchor,
            weight: NODE_BYTES,
            height: 0,
            start: at,
        });
        Ok(())
    }

    /// Keeps a copy of an anchored node for its aliases.
    fn anchor(&mut self, anchor: usize, node: &Node, at: Position) -> Result<(), YamlError> {
        if anchor != 0 {
            // Anchors nested in anchors each keep a copy: counted too.
            self.spend(node.weight, at)?;
            self.anchors.insert(anchor, Anchor::Done(node.clone()));
        }
        Ok(())
    }

    fn spend(&mut self, weight: usize, at: Position) -> Result<(), YamlError> {
        self.copied = self.copied.saturating_add(weight);
        if self.copied > MAX_ALIAS_COPY_BYTES {
            return Err(YamlError::new(
                at,
                format!(
                    "anchors and aliases here copy more than {} MiB of values",
                    MAX_ALIAS_COPY_BYTES / (1024 * 1024)
                ),
            )
            .with_help("a spec file needs few and small aliases: write the repeated values out, or alias smaller parts"));
        }
        Ok(())
    }

    /// Puts a finished node where it belongs: the root, the next item of a
    /// sequence, a mapping key, or the value of the pending key.
    fn add(&mut self, node: Node, at: Position) -> Result<(), YamlError> {
        let Some(open) = self.stack.last_mut() else {
            self.root = Some(node.value);
            return Ok(());
        };
        open.weight = open.weight.saturating_add(node.weight);
        open.height = open.height.max(node.height);
        match &mut open.collection {
            Collection::Sequence(items) => items.push(node.value),
            Collection::Mapping { mapping, key } => match key.take() {
                None => *key = Some((node.value, at)),
                Some((k, key_at)) => match mapping.entry(k) {
                    Entry::Occupied(entry) => {
                        return Err(YamlError::new(
                            key_at,
                            format!("duplicate entry {}", shown_key(entry.key())),
                        )
                        .with_help("a key may appear once in a mapping (`1` and `0x1` are the same number): remove one of them or rename it"));
                    }
                    Entry::Vacant(entry) => {
                        entry.insert(node.value);
                    }
                },
            },
        }
        Ok(())
    }
}

/// Estimated bytes of one node besides its text.
const NODE_BYTES: usize = std::mem::size_of::<Value>();

pub(crate) fn too_deep(at: Position) -> YamlError {
    YamlError::new(
        at,
        format!("recursion limit exceeded: values nest more than {MAX_DEPTH} levels deep"),
    )
    .with_help("a spec nests a few levels; look for unclosed `[` or `{`, or an alias that repeats a deep value")
}

/// A repeated key as serde_yaml names it.
fn shown_key(key: &Value) -> String {
    match key {
        Value::Null => "with null key".to_owned(),
        Value::Bool(boolean) => format!("with key `{boolean}`"),
        Value::Number(number) => format!("with key {number}"),
        Value::String(string) => format!("with key {string:?}"),
        _ => "in YAML map".to_owned(),
    }
}
