//! The maps the element index keys by tree position or by names from the page.
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

pub use crate::scanner::page::node_map::{NodeHasher, NodeMap};

/// Lists keyed by a name from the page (tag or attribute name), pushed to
/// once per element or tag. Real pages use few distinct names, so the first
/// [`NameMap::FAST_KEYS`] go in a map with the cheap unkeyed hasher; later
/// ones go in a keyed (SipHash) map, which bounds what crafted colliding
/// names can cost. The same key always lands in the same map.
#[derive(Default)]
pub struct NameMap {
    fast: HashMap<String, Vec<u32>, BuildHasherDefault<NodeHasher>>,
    slow: HashMap<String, Vec<u32>>,
}

impl NameMap {
    const FAST_KEYS: usize = 64;

    pub fn push(&mut self, k: &str, v: u32) {
        if let Some(list) = self.fast.get_mut(k) {
            list.push(v);
        } else if let Some(list) = self.slow.get_mut(k) {
            list.push(v);
        } else if self.fast.len() < Self::FAST_KEYS {
            self.fast.insert(k.to_string(), vec![v]);
        } else {
            self.slow.insert(k.to_string(), vec![v]);
        }
    }

    pub fn get(&self, k: &str) -> Option<&Vec<u32>> {
        self.fast.get(k).or_else(|| self.slow.get(k))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Vec<u32>)> {
        self.fast.iter().chain(self.slow.iter())
    }

    pub fn into_map(self) -> HashMap<String, Vec<u32>> {
        self.fast.into_iter().chain(self.slow).collect()
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
