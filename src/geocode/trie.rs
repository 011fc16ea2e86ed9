//! A small character trie: normalised name keys → entry ids.
//!
//! Built once at load time; lookups walk one node per query character with
//! a binary search over that node's sorted children, so matching a whole
//! address costs a few dozen comparisons and no allocation.

/// Index of a node in [`Trie::nodes`]; the root is 0.
pub(crate) type NodeId = u32;

#[derive(Debug, Clone, Default)]
struct Node {
    /// Children sorted by character.
    children: Vec<(char, NodeId)>,
    /// Ids stored under the key that ends at this node.
    values: Vec<u32>,
}

/// Character trie mapping keys to one or more `u32` ids.
#[derive(Debug, Clone)]
pub(crate) struct Trie {
    nodes: Vec<Node>,
}

impl Default for Trie {
    fn default() -> Self {
        Self::new()
    }
}

impl Trie {
    /// The root node.
    pub const ROOT: NodeId = 0;

    /// An empty trie (root only).
    pub fn new() -> Self {
        Trie {
            nodes: vec![Node::default()],
        }
    }

    /// Stores `value` under `key` (no duplicates per key). Empty keys are
    /// ignored: they would match every query.
    pub fn insert(&mut self, key: &[char], value: u32) {
        if key.is_empty() {
            return;
        }
        let mut node = Self::ROOT;
        for &c in key {
            node = match self.child(node, c) {
                Some(next) => next,
                None => {
                    let next = self.nodes.len() as NodeId;
                    self.nodes.push(Node::default());
                    let children = &mut self.nodes[node as usize].children;
                    let at = children.partition_point(|&(k, _)| k < c);
                    children.insert(at, (c, next));
                    next
                }
            };
        }
        let values = &mut self.nodes[node as usize].values;
        if !values.contains(&value) {
            values.push(value);
        }
    }

    /// The child of `node` reached by `c`.
    pub fn child(&self, node: NodeId, c: char) -> Option<NodeId> {
        let children = &self.nodes.get(node as usize)?.children;
        children
            .binary_search_by(|&(k, _)| k.cmp(&c))
            .ok()
            .map(|i| children[i].1)
    }

    /// Ids stored at `node` (empty when no key ends there).
    pub fn values(&self, node: NodeId) -> &[u32] {
        self.nodes
            .get(node as usize)
            .map_or(&[][..], |n| n.values.as_slice())
    }

    /// Follows `chars` from `node`; `None` when the path leaves the trie.
    pub fn walk(&self, node: NodeId, chars: impl IntoIterator<Item = char>) -> Option<NodeId> {
        chars.into_iter().try_fold(node, |n, c| self.child(n, c))
    }

    /// Longest key that is a prefix of `key[start..]`: returns the end
    /// position in `key` and the node holding the ids.
    pub fn longest_prefix(&self, key: &[char], start: usize) -> Option<(usize, NodeId)> {
        let mut node = Self::ROOT;
        let mut best = None;
        for (i, &c) in key.iter().enumerate().skip(start) {
            match self.child(node, c) {
                Some(next) => node = next,
                None => break,
            }
            if !self.values(node).is_empty() {
                best = Some((i + 1, node));
            }
        }
        best
    }

    /// Number of nodes (for tests and sizing).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Trie;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn longest_prefix_prefers_the_longer_key() {
        let mut t = Trie::new();
        t.insert(&chars("水前寺"), 1);
        t.insert(&chars("水前寺公園"), 2);
        t.insert(&chars("上水前寺"), 3);
        let q = chars("水前寺公園1-2");
        let (end, node) = t.longest_prefix(&q, 0).unwrap();
        assert_eq!(end, 5);
        assert_eq!(t.values(node), &[2]);
        let q = chars("水前寺1-2");
        let (end, node) = t.longest_prefix(&q, 0).unwrap();
        assert_eq!(end, 3);
        assert_eq!(t.values(node), &[1]);
        assert!(t.longest_prefix(&chars("下水前寺"), 0).is_none());
    }

    #[test]
    fn duplicate_values_are_stored_once_and_empty_keys_ignored() {
        let mut t = Trie::new();
        t.insert(&chars("本町"), 7);
        t.insert(&chars("本町"), 7);
        t.insert(&chars("本町"), 8);
        t.insert(&[], 9);
        let node = t.walk(Trie::ROOT, "本町".chars()).unwrap();
        assert_eq!(t.values(node), &[7, 8]);
        assert!(t.values(Trie::ROOT).is_empty());
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn start_offset_is_respected() {
        let mut t = Trie::new();
        t.insert(&chars("益城町"), 1);
        let q = chars("熊本県益城町");
        assert_eq!(t.longest_prefix(&q, 3).map(|(e, _)| e), Some(6));
        assert!(t.longest_prefix(&q, 0).is_none());
    }
}
