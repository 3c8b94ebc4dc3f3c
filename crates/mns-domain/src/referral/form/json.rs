//! Reading a referral from JSON strictly: the body must be an object of the documented shape
//! at every level. serde would read a record from an array, field by field (`[]` as a whole
//! referral, `[null, null]` as its Healthy Child Programme contact); such bodies are refused
//! naming where the shape is wrong.

use super::Referral;
use serde_json::Value;

impl Referral {
    /// Reads a referral from JSON: unknown fields, wrong types and records given as arrays are
    /// refused with a message that names the place.
    pub fn from_json(bytes: &[u8]) -> Result<Referral, String> {
        let input: Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("The referral is not valid JSON: {e}"))?;
        if !input.is_object() {
            return Err("The referral must be a JSON object of the documented shape".into());
        }
        let referral: Referral = serde_json::from_value(input.clone())
            .map_err(|e| format!("The referral is not valid JSON of the documented shape: {e}"))?;
        let output = serde_json::to_value(&referral).map_err(|e| e.to_string())?;
        match shape_mismatch(&input, &output, "referral") {
            Some(path) => Err(format!(
                "{path} must be a JSON object, not a list: see the documented shape"
            )),
            None => Ok(referral),
        }
    }
}

/// The first place where the input gave a list and the referral has a record.
fn shape_mismatch(input: &Value, output: &Value, path: &str) -> Option<String> {
    match (input, output) {
        (Value::Array(_), Value::Object(_)) => Some(path.to_string()),
        (Value::Object(fields), Value::Object(read)) => fields.iter().find_map(|(k, v)| {
            read.get(k)
                .and_then(|r| shape_mismatch(v, r, &format!("{path}.{k}")))
        }),
        (Value::Array(items), Value::Array(read)) => items
            .iter()
            .zip(read)
            .enumerate()
            .find_map(|(i, (v, r))| shape_mismatch(v, r, &format!("{path}[{i}]"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mn_ref_1_the_example_reads_and_records_given_as_lists_are_refused() {
        let example = crate::referral::EXAMPLE_REFERRAL_JSON.as_bytes();
        assert!(Referral::from_json(example).is_ok());
        assert!(Referral::from_json(b"{}").is_ok());
        for (body, says) in [
            (&b"[]"[..], "must be a JSON object"),
            (b"42", "must be a JSON object"),
            (b"{\"x\": 1}", "unknown field"),
            (
                b"{\"healthy_child_programme\": [null, null]}",
                "referral.healthy_child_programme must be a JSON object",
            ),
            (b"{\"pupil\": []}", "referral.pupil must be a JSON object"),
            (b"not json", "not valid JSON"),
        ] {
            let err = Referral::from_json(body).unwrap_err();
            assert!(
                err.contains(says),
                "{}: {err}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
