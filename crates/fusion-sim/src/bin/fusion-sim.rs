//! `fusion-sim run_sim --config_path PATH --run_id ID [...]`
fn main() {
    let argv: Vec<String> = std::env::args().collect();
    std::process::exit(fusion_sim::cli::main_with_args(&argv));
}
