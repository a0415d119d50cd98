//! `audit`: the command-line tool. `audit scan PATH…` runs the rules that
//! need no network over local HTML; `audit run …` runs a scan through the
//! API. Install: `cargo install --path . --features cli --bin audit`.
mod report;
mod run;
mod scan;

const USAGE: &str = "usage: audit <command> [options]

commands:
  scan PATH…   run every rule that needs no network on local HTML files or directories
  run          run a scan through the API and exit by its gate

`audit scan --help` and `audit run --help` list the options.";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("scan") => scan::main(&args[1..]),
        Some("run") => run::main(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            0
        }
        Some("-V" | "--version") => {
            println!("audit {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some(other) => {
            eprintln!("audit: unknown command {other:?}\n\n{USAGE}");
            2
        }
        None => {
            eprintln!("{USAGE}");
            2
        }
    };
    std::process::exit(code);
}
