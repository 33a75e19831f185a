// The image is a required part of the upload: leaving it out does not compile.
use feishu::im::v1::ImageType;

fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let _request = client.im().v1().image().create(ImageType::Message);
}
