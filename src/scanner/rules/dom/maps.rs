//! The maps the element index keys by tree position or by names from the page.
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

/// Lists keyed by a name from the page (tag or attribute name), pushed to
/// once per element or tag. Real pages use few distinct names, so the first
/// [`NameMap::FAST_KEYS`] go in a map with the cheap unkeyed hasher; later
/// ones go in a keyed (SipHash) map, which bounds what crafted colliding
/// names can cost. The same key always lands in the same map.
pub struct NameMap<V = Vec<u32>> {
    fast: HashMap<String, V, BuildHasherDefault<NodeHasher>>,
    slow: HashMap<String, V>,
}

impl<V> Default for NameMap<V> {
    fn default() -> Self {
        NameMap { fast: HashMap::default(), slow: HashMap::default() }
    }
}

impl<V: Default> NameMap<V> {
    const FAST_KEYS: usize = 64;

    /// Applies `f` to the value for `k`, inserted empty on first use.
    pub fn update(&mut self, k: &str, f: impl FnOnce(&mut V)) {
        if let Some(v) = self.fast.get_mut(k) {
            f(v);
        } else if let Some(v) = self.slow.get_mut(k) {
            f(v);
        } else {
            let mut v = V::default();
            f(&mut v);
            if self.fast.len() < Self::FAST_KEYS {
                self.fast.insert(k.to_string(), v);
            } else {
                self.slow.insert(k.to_string(), v);
            }
        }
    }

    pub fn get(&self, k: &str) -> Option<&V> {
        self.fast.get(k).or_else(|| self.slow.get(k))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.fast.iter().chain(self.slow.iter())
    }

    pub fn into_map(self) -> HashMap<String, V> {
        self.fast.into_iter().chain(self.slow).collect()
    }

    /// Moves every value through `f` into two maps (a `None` side leaves the
    /// key out of that map), keeping each key in the half it was in.
    pub fn split<A, B>(self, f: impl Fn(V) -> (Option<A>, Option<B>)) -> (NameMap<A>, NameMap<B>) {
        let (mut a, mut b) = (NameMap::default(), NameMap::default());
        for (k, v) in self.fast {
            let (x, y) = f(v);
            if let Some(x) = x {
                a.fast.insert(k.clone(), x);
            }
            if let Some(y) = y {
                b.fast.insert(k, y);
            }
        }
        for (k, v) in self.slow {
            let (x, y) = f(v);
            if let Some(x) = x {
                a.slow.insert(k.clone(), x);
            }
            if let Some(y) = y {
                b.slow.insert(k, y);
            }
        }
        (a, b)
    }
}

impl NameMap<Vec<u32>> {
    pub fn push(&mut self, k: &str, v: u32) {
        self.update(k, |list| list.push(v));
    }
}

/// Rows of a static table found by name in O(1): the rule tables (ARIA
/// roles and attributes, implicit roles by tag) are asked once or more per
/// element, and a search of a hundred names per element is most of a big
/// page's rule time. Built once on first use; with repeated names the first
/// row wins, as a linear `find` would. The cheap unkeyed hasher is enough:
/// the map holds only the table's own names, so a crafted name can at worst
/// probe as many slots as the table has.
pub struct ByName<T: 'static> {
    table: &'static [T],
    name: fn(&T) -> &str,
    map: std::sync::OnceLock<HashMap<&'static str, &'static T, BuildHasherDefault<NodeHasher>>>,
}

impl<T: Sync> ByName<T> {
    pub const fn new(table: &'static [T], name: fn(&T) -> &str) -> Self {
        ByName { table, name, map: std::sync::OnceLock::new() }
    }

    pub fn get(&self, name: &str) -> Option<&'static T> {
        let map = self.map.get_or_init(|| {
            let mut m = HashMap::with_capacity_and_hasher(self.table.len(), BuildHasherDefault::default());
            for row in self.table {
                m.entry((self.name)(row)).or_insert(row);
            }
            m
        });
        map.get(name).copied()
    }
}

#[cfg(test)]
mod by_name_tests {
    use super::ByName;
    static ROWS: &[(&str, u8)] = &[("b", 1), ("a", 2), ("c", 3), ("a", 4)];
    static BY: ByName<(&str, u8)> = ByName::new(ROWS, |r| r.0);

    #[test]
    fn finds_the_first_row_of_a_name() {
        assert_eq!(BY.get("a"), Some(&("a", 2)));
        assert_eq!(BY.get("c"), Some(&("c", 3)));
        assert_eq!(BY.get("b"), Some(&("b", 1)));
        assert_eq!(BY.get("aa"), None);
        assert_eq!(BY.get(""), None);
        assert_eq!(BY.get("d"), None);
    }
}
