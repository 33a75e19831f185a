//! Uploads an image and creates an OKR progress record that shows it, under an
//! objective or key result; prints the new record's id.
//!
//!     FEISHU_APP_ID=cli_… FEISHU_APP_SECRET=… cargo run --example progress_with_image -- \
//!         <objective|key_result> <target_id> <image file> [text]
//!
//! Two calls, both OKR v1: `image.upload` (multipart) returns a `file_token`
//! and a `url`, and `progress_record.create` puts both into an image element
//! of the record's rich text (the upload page says to pass them on exactly so),
//! after a paragraph of `text`. OKR v2 has no progress-record or image
//! endpoint, so v1 is the only path. The image must be uploaded for the same
//! target as the record. `FEISHU_BASE_URL` points the client elsewhere
//! (default: Feishu). The app needs `okr:okr` (or `okr:okr.progress.file:upload`
//! and `okr:okr.progress:writeonly`). On failure the error (code, message, log
//! id) goes to stderr and the exit status is non-zero.

use std::path::Path;
use std::process::ExitCode;

use feishu::okr::v1::{
    ContentBlock, ContentBlockElement, ContentBlockElementType, ContentGallery, ContentImageItem,
    ContentParagraph, ContentParagraphElement, ContentParagraphElementType, ContentTextRun,
    OkrTargetType,
};
use feishu::runtime::multipart::FilePart;

const USAGE: &str = "usage: cargo run --example progress_with_image -- <objective|key_result> <target_id> <image file> [text]";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (target_type, target_id, image, text) = match args.as_slice() {
        [kind, id, image] => (kind, id, image, "Progress update"),
        [kind, id, image, text] => (kind, id, image, text.as_str()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let target_type = match target_type.as_str() {
        "objective" => OkrTargetType::Objective,
        "key_result" => OkrTargetType::KeyResult,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(target_type, target_id, Path::new(image), text).await {
        Ok(progress_id) => {
            println!("{progress_id}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    target_type: OkrTargetType,
    target_id: &str,
    image: &Path,
    text: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let client = client_from_env()?;
    let okr = client.okr().v1();

    // The file is streamed from disk, not read into memory first.
    let file_name = image
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".to_owned());
    let uploaded = okr
        .image()
        .upload(
            FilePart::path(image).file_name(file_name),
            target_id,
            target_type,
        )
        .send()
        .await?;
    let (Some(file_token), Some(url)) = (uploaded.file_token, uploaded.url) else {
        return Err("the upload answered without a file_token or url".into());
    };

    let record = okr
        .progress_record()
        .create(
            "progress_with_image example",
            "https://github.com/",
            target_id,
            target_type,
            content(text, file_token, url),
        )
        .send()
        .await?;
    Ok(record
        .progress_id
        .ok_or("the record was created but its id was not returned")?)
}

/// A paragraph of `text`, then a gallery with the uploaded image.
fn content(text: &str, file_token: String, url: String) -> ContentBlock {
    // The generated structs are `#[non_exhaustive]`: built from `Default`.
    let mut run = ContentTextRun::default();
    run.text = Some(text.to_owned());
    let mut element = ContentParagraphElement::default();
    element.kind = Some(ContentParagraphElementType::TextRun);
    element.text_run = Some(run);
    let mut paragraph = ContentParagraph::default();
    paragraph.elements = Some(vec![element]);
    let mut text_block = ContentBlockElement::default();
    text_block.kind = Some(ContentBlockElementType::Paragraph);
    text_block.paragraph = Some(paragraph);

    let mut item = ContentImageItem::default();
    item.file_token = Some(file_token);
    item.src = Some(url);
    let mut gallery = ContentGallery::default();
    gallery.image_list = Some(vec![item]);
    let mut image_block = ContentBlockElement::default();
    image_block.kind = Some(ContentBlockElementType::Gallery);
    image_block.gallery = Some(gallery);

    let mut content = ContentBlock::default();
    content.blocks = Some(vec![text_block, image_block]);
    content
}

/// A client for the self-built app named by `FEISHU_APP_ID` and
/// `FEISHU_APP_SECRET`; it fetches and refreshes its tenant token itself.
fn client_from_env() -> Result<feishu::Client, Box<dyn std::error::Error>> {
    let app_id = std::env::var("FEISHU_APP_ID").map_err(|_| "set FEISHU_APP_ID")?;
    let app_secret = std::env::var("FEISHU_APP_SECRET").map_err(|_| "set FEISHU_APP_SECRET")?;
    let mut builder = feishu::Client::builder().app_credentials(app_id, app_secret);
    if let Ok(base_url) = std::env::var("FEISHU_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    Ok(builder.build()?)
}
