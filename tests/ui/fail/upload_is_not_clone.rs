// An upload's builder owns its file parts (maybe a stream, read once), so it
// cannot be cloned and sent twice.
use feishu::im::v1::ImageType;
use feishu::runtime::multipart::FilePart;

fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let request = client
        .im()
        .v1()
        .image()
        .create(ImageType::Message, FilePart::bytes(vec![1u8, 2, 3]));
    let _twice = request.clone();
}
