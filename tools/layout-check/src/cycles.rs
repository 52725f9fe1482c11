//! Import cycles between sibling modules.
//!
//! An edge `a::x → b::y` is a dependency of `a` on `b`, so each edge is lifted to the two
//! children of the lowest common ancestor that contain its ends. A module and its own
//! descendants may use each other freely (a `mod.rs` routing to its children, children
//! sharing a helper of `mod.rs`), so such edges are dropped. A strongly connected group of
//! siblings is a cycle: none of them can be understood, or moved, without the others.

use std::collections::{BTreeMap, BTreeSet};

use crate::tree::{CrateGraph, Evidence, ModulePath};

#[derive(Debug, Clone)]
pub struct ImportCycle {
    pub parent: ModulePath,
    /// Child names under `parent`, sorted.
    pub members: Vec<String>,
    pub edges: Vec<LiftedEdge>,
}

#[derive(Debug, Clone)]
pub struct LiftedEdge {
    pub from: String,
    pub to: String,
    pub evidence: Evidence,
}

/// Sibling edges of every parent module: parent → (from child, to child) → first evidence.
type SiblingEdges = BTreeMap<ModulePath, BTreeMap<(String, String), Evidence>>;

pub fn find_cycles(graph: &CrateGraph) -> Vec<ImportCycle> {
    let mut cycles = Vec::new();
    for (parent, edges) in lift(graph) {
        for members in strongly_connected(&edges) {
            let inside: Vec<LiftedEdge> = edges
                .iter()
                .filter(|((from, to), _)| members.contains(from) && members.contains(to))
                .map(|((from, to), evidence)| LiftedEdge {
                    from: from.clone(),
                    to: to.clone(),
                    evidence: evidence.clone(),
                })
                .collect();
            cycles.push(ImportCycle {
                parent: parent.clone(),
                members,
                edges: inside,
            });
        }
    }
    cycles
}

fn lift(graph: &CrateGraph) -> SiblingEdges {
    let mut lifted = SiblingEdges::new();
    // References are in file and line order, so the first kept is the first in the code.
    for reference in &graph.references {
        let (from, to) = (&reference.from, &reference.to);
        let shared = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        let (Some(from_child), Some(to_child)) = (from.get(shared), to.get(shared)) else {
            continue;
        };
        lifted
            .entry(from[..shared].to_vec())
            .or_default()
            .entry((from_child.clone(), to_child.clone()))
            .or_insert_with(|| reference.evidence.clone());
    }
    lifted
}

/// Tarjan's algorithm; returns only components of more than one node, each sorted.
fn strongly_connected(edges: &BTreeMap<(String, String), Evidence>) -> Vec<Vec<String>> {
    let mut successors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        successors.entry(from).or_default().push(to);
        successors.entry(to).or_default();
    }
    let mut tarjan = Tarjan {
        successors: &successors,
        index_of: BTreeMap::new(),
        lowlink: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next_index: 0,
        components: Vec::new(),
    };
    for node in successors.keys() {
        if !tarjan.index_of.contains_key(node) {
            tarjan.visit(node);
        }
    }
    let mut components: Vec<Vec<String>> = tarjan
        .components
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| {
            let mut names: Vec<String> = component.into_iter().map(str::to_owned).collect();
            names.sort();
            names
        })
        .collect();
    components.sort();
    components
}

struct Tarjan<'a> {
    successors: &'a BTreeMap<&'a str, Vec<&'a str>>,
    index_of: BTreeMap<&'a str, usize>,
    lowlink: BTreeMap<&'a str, usize>,
    stack: Vec<&'a str>,
    on_stack: BTreeSet<&'a str>,
    next_index: usize,
    components: Vec<Vec<&'a str>>,
}

impl<'a> Tarjan<'a> {
    // Recursion depth is bounded by the number of siblings in one module, which is small.
    fn visit(&mut self, node: &'a str) {
        self.index_of.insert(node, self.next_index);
        self.lowlink.insert(node, self.next_index);
        self.next_index += 1;
        self.stack.push(node);
        self.on_stack.insert(node);

        let successors = self.successors.get(node).map_or(&[][..], Vec::as_slice);
        for &next in successors {
            if !self.index_of.contains_key(next) {
                self.visit(next);
                let lowest = self.low(node).min(self.low(next));
                self.lowlink.insert(node, lowest);
            } else if self.on_stack.contains(next) {
                let lowest = self.low(node).min(self.index(next));
                self.lowlink.insert(node, lowest);
            }
        }

        if self.low(node) == self.index(node) {
            let mut component = Vec::new();
            while let Some(member) = self.stack.pop() {
                self.on_stack.remove(member);
                component.push(member);
                if member == node {
                    break;
                }
            }
            self.components.push(component);
        }
    }

    fn low(&self, node: &str) -> usize {
        self.lowlink.get(node).copied().unwrap_or(usize::MAX)
    }

    fn index(&self, node: &str) -> usize {
        self.index_of.get(node).copied().unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(pairs: &[(&str, &str)]) -> BTreeMap<(String, String), Evidence> {
        pairs
            .iter()
            .map(|(from, to)| {
                let evidence = Evidence {
                    file: format!("{from}.rs"),
                    line: 1,
                    written: format!("super::{to}"),
                };
                ((from.to_string(), to.to_string()), evidence)
            })
            .collect()
    }

    #[test]
    fn finds_every_component_of_more_than_one_node() {
        let graph = edges(&[
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("c", "d"),
            ("d", "e"),
            ("e", "d"),
            ("f", "a"),
        ]);
        assert_eq!(
            strongly_connected(&graph),
            [vec!["a", "b", "c"], vec!["d", "e"]]
        );
    }

    #[test]
    fn a_chain_has_no_cycle() {
        assert!(strongly_connected(&edges(&[("a", "b"), ("b", "c")])).is_empty());
    }
}
