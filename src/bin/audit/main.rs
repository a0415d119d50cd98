//! The `audit` command-line tool. Minimal dispatcher in the `gates`
//! worktree (only `run`); the lead merges it with the one that adds `scan`.
mod run;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("run") => run::main(&args[1..]),
        _ => {
            eprintln!("usage: audit run --api URL --org ID --project ID --url TARGET [options]  (audit run --help)");
            2
        }
    };
    std::process::exit(code);
}
