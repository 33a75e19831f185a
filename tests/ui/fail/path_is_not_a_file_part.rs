// A file argument takes a `FilePart`: a path string is never mistaken for
// the file's content; say `FilePart::path(..)` or `FilePart::bytes(..)`.
use feishu::im::v1::ImageType;

fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let _request = client
        .im()
        .v1()
        .image()
        .create(ImageType::Message, "photo.jpg");
}
