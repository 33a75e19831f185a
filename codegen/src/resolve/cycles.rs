//! Recursive types. A struct that holds itself, directly (a comment with
//! its parent comment) or through others (a department holding a leader
//! who holds the department), has infinite size in Rust unless the cycle
//! goes through a pointer.
//!
//! The rule: every struct field whose named type lies in the same strongly
//! connected component of the type graph as the struct itself is boxed
//! (`Option<Box<T>>`). Arrays (`Vec<T>`) already hold their items on the
//! heap and are not edges of the graph, so a tree whose children are an
//! array needs no box. Boxing every edge inside a component, not one per
//! cycle, keeps the choice independent of spec order. Named-type fields
//! are always optional in Rust, so `Default` and decoding end at `None`.
//!
//! The components come from an iterative Tarjan walk: a hostile spec with a
//! chain of thousands of types must not overflow the stack.

use std::collections::HashMap;

use crate::model::{Model, TypeHome, TypeKind, TypeRef};

type Node = (TypeHome, String);

/// Marks `boxed` on every field that closes a cycle of named structs.
pub(super) fn box_cycles(model: &mut Model) {
    let namespaces =
        std::iter::once(&model.common).chain(model.services.iter().map(|s| &s.namespace));
    let homes =
        std::iter::once(TypeHome::Common).chain(model.services.iter().map(|s| TypeHome::Service {
            service: s.module.clone(),
            version: s.version_module.clone(),
        }));
    // Node ids, and each node's edges to other struct nodes.
    let mut ids: HashMap<Node, usize> = HashMap::new();
    let mut structs: Vec<(&TypeHome, &[crate::model::Field])> = Vec::new();
    let homes: Vec<TypeHome> = homes.collect();
    for (namespace, home) in namespaces.zip(&homes) {
        for def in &namespace.types {
            if let TypeKind::Struct(fields) = &def.kind {
                ids.insert((home.clone(), def.spec_name.clone()), structs.len());
                structs.push((home, fields));
            }
        }
    }
    // A JSON-string field holds its type inline, so it is an edge too.
    let target = |ty: &TypeRef| match ty {
        TypeRef::JsonString(inner) => match &**inner {
            TypeRef::Named {
                home,
                spec_name,
                is_enum: false,
                ..
            } => ids.get(&(home.clone(), spec_name.clone())).copied(),
            _ => None,
        },
        TypeRef::Named {
            home,
            spec_name,
            is_enum: false,
            ..
        } => ids.get(&(home.clone(), spec_name.clone())).copied(),
        _ => None,
    };
    let edges: Vec<Vec<usize>> = structs
        .iter()
        .map(|(_, fields)| fields.iter().filter_map(|f| target(&f.ty)).collect())
        .collect();
    let component = components(&edges);
    // Which (node, field index) pairs to box.
    let boxed: Vec<Vec<bool>> = structs
        .iter()
        .enumerate()
        .map(|(node, (_, fields))| {
            fields
                .iter()
                .map(|f| target(&f.ty).is_some_and(|to| component[to] == component[node]))
                .collect()
        })
        .collect();
    let mut boxed = boxed.into_iter();
    let namespaces = std::iter::once(&mut model.common)
        .chain(model.services.iter_mut().map(|s| &mut s.namespace));
    for namespace in namespaces {
        for def in &mut namespace.types {
            if let TypeKind::Struct(fields) = &mut def.kind {
                let flags = boxed.next().unwrap_or_default();
                for (field, flag) in fields.iter_mut().zip(flags) {
                    field.boxed = flag;
                }
            }
        }
    }
}

/// The strongly connected component of every node (Tarjan, iterative).
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&to) = edges[node].get(*edge) {
                *edge += 1;
                if index[to] == UNSEEN {
                    index[to] = next_index;
                    low[to] = next_index;
                    next_index += 1;
                    stack.push(to);
                    on_stack[to] = true;
                    work.push((to, 0));
                } else if on_stack[to] {
                    low[node] = low[node].min(index[to]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::components;

    #[test]
    fn components_of_self_loops_pairs_and_chains() {
        // 0 -> 0; 1 <-> 2; 3 -> 4 (no cycle); a long chain closed at the end.
        let mut edges = vec![vec![0], vec![2], vec![1], vec![4], vec![]];
        let start = edges.len();
        let chain = 100_000;
        for i in 0..chain {
            edges.push(vec![start + (i + 1) % chain]);
        }
        let c = components(&edges);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[1]);
        assert_ne!(c[3], c[4]);
        assert!((start..start + chain).all(|i| c[i] == c[start]));
    }
}
