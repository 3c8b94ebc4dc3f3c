//! What wraps the documents: the paging envelope of every list endpoint, and the API's base
//! endpoint (`/`).

use super::{API_VERSION, Fields, OPENAPI_PATH, PROFILE_URL};
use serde_json::{Map, Value};

/// The ORUK paging envelope around one page of `contents`.
///
/// The fields are those of the OpenAPI document's `Page` (compiled/empy_list_response.json):
/// `size` is the number of items on this page, which the validator compares with the length of
/// `contents`; `total_pages` is 0 when nothing matched; `first_page` is page 1 (or 0);
/// `last_page` is true from the last page on, and on the single page of an empty result;
/// `empty` says this page holds nothing. `per_page` of 0 is taken as 1.
pub fn page(contents: Vec<Value>, total_items: u64, page_number: u32, per_page: u32) -> Value {
    let per_page = u64::from(per_page.max(1));
    let total_pages = total_items.div_ceil(per_page);
    let mut fields = Map::new();
    fields.insert("total_items".into(), total_items.into());
    fields.insert("total_pages".into(), total_pages.into());
    fields.insert("page_number".into(), page_number.into());
    fields.insert("size".into(), contents.len().into());
    fields.insert("first_page".into(), (page_number <= 1).into());
    fields.insert(
        "last_page".into(),
        (u64::from(page_number) >= total_pages).into(),
    );
    fields.insert("empty".into(), contents.is_empty().into());
    fields.insert("contents".into(), Value::Array(contents));
    Value::Object(fields)
}

/// What the API's base endpoint (`/`) answers (compiled/api_details.json): the profile's
/// version, the profile and where the OpenAPI document is. `base_url` is the API's public
/// address, such as `https://directory.example.gov.uk/api/oruk`.
pub fn api_details(base_url: &str) -> Value {
    let base = base_url.trim_end_matches('/');
    Fields::new()
        .put("version", API_VERSION)
        .put("profile", PROFILE_URL)
        .put("openapi_url", format!("{base}{OPENAPI_PATH}"))
        .done()
}
