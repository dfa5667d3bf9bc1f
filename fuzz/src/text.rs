//! `text::decode` and `decode_capture`: any bytes decode or give an offset
//! inside the input; line positions agree between `LineIndex` and `pos`.

use upgate::text::{self, LineIndex};

pub fn run(data: &[u8]) {
    for decoded in [text::decode(data), text::decode_capture(data)] {
        match decoded {
            Ok(d) => positions(&d.text),
            Err(e) => {
                assert!(e.offset <= data.len(), "{e:?} past {} bytes", data.len());
                let _ = e.pos(data);
            }
        }
    }
}

fn positions(text: &str) {
    let index = LineIndex::new(text);
    let offsets = text.char_indices().map(|(i, _)| i).chain([text.len()]);
    for offset in offsets.step_by(1 + text.len() / 64) {
        assert_eq!(
            index.pos(text, offset),
            text::pos(text, offset),
            "at {offset}"
        );
    }
}
