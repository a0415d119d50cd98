//! Maps keyed by tree nodes, shared by the parser's budget and the rules.
use ego_tree::NodeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hasher for NodeIds: they are small sequential integers the parser assigns
/// (not attacker-chosen strings), so a multiplicative hash is enough and much
/// cheaper than SipHash. String-keyed maps keep the default keyed hasher.
#[derive(Default, Clone, Copy)]
pub struct NodeHasher(u64);

const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for NodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(K);
    }
}

pub type NodeMap<V> = HashMap<NodeId, V, BuildHasherDefault<NodeHasher>>;
