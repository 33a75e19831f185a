//! Generates the client from this crate's own spec/ into OUT_DIR, as a user
//! would. It is included inside `mod api` (src/lib.rs), hence the module path.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    feishu_codegen::Builder::new()
        .spec_dir("spec")
        .services(["okr"])
        .module_path("crate::api::feishu")
        .generate()?;
    Ok(())
}
