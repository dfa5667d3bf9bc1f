fn main() -> std::process::ExitCode {
    upgate::cli::main()
}
