// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // The app binary doubles as the run supervisor, so a run started from the
    // window needs no second executable to be found at run time.
    if fusion_desk_core::exec::protocol::is_invocation() {
        std::process::exit(fusion_desk_core::exec::supervisor::main());
    }
    fusion_desk::run();
}
