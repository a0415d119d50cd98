//! `audit run`: built in another branch; this stub keeps the binary whole.
pub fn main(_args: &[String]) -> i32 {
    eprintln!("audit run: not built");
    2
}
