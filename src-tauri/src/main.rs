// The `rota-app` binary: Rota's desktop window (title "Rota") on the user's plan database.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    rota_app::main()
}
