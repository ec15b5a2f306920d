//! A small order-preserving JSON value, read through serde_json and written the
//! way Python's `json.dump(obj, indent=4)` writes.
//!
//! Key order is data here: the bandwidth keys of a modulation table give the
//! order of the bandwidth draw, and FUSION's output files list keys in
//! insertion order. serde_json's own `Value` sorts keys unless its
//! `preserve_order` feature is on, and that feature would leak into every
//! other crate of the workspace, so this module keeps its own ordered map.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt::{self, Write};

/// A JSON value whose objects keep their keys in document/insertion order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// An integer written without a decimal point (Python `int`).
    Int(i64),
    /// A float written like Python's `repr(float)`.
    Float(f64),
    Str(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Parses JSON text, keeping object key order.
    pub fn parse(text: &str) -> Result<Value, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let v = Value::deserialize(&mut de).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        Ok(v)
    }

    /// Looks a key up in an object (first match).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `null` for `None`, a float otherwise.
    pub fn opt_float(v: Option<f64>) -> Value {
        v.map_or(Value::Null, Value::Float)
    }

    /// Serialises like `json.dumps(value, indent=4)`.
    pub fn to_python_json(&self) -> String {
        let mut out = String::with_capacity(4096);
        write_value(&mut out, self, 0);
        out
    }

    /// Serialises compactly on one line (`json.dumps` default separators are
    /// not needed; this is used for progress events).
    pub fn to_compact_json(&self) -> String {
        let mut out = String::with_capacity(256);
        write_compact(&mut out, self);
        out
    }
}

/// Builder helper for objects with insertion order.
#[derive(Default)]
pub struct Obj(pub Vec<(String, Value)>);

impl Obj {
    pub fn new() -> Self {
        Obj(Vec::new())
    }
    pub fn put(mut self, key: impl Into<String>, value: Value) -> Self {
        self.0.push((key.into(), value));
        self
    }
    pub fn push(&mut self, key: impl Into<String>, value: Value) {
        self.0.push((key.into(), value));
    }
    pub fn build(self) -> Value {
        Value::Object(self.0)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<Value>()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            // Python's json keeps the last value of a repeated key but at the
            // position of the first one.
            if let Some(slot) = entries.iter_mut().find(|(ek, _)| *ek == k) {
                slot.1 = v;
            } else {
                entries.push((k, v));
            }
        }
        Ok(Value::Object(entries))
    }
}

/// Formats a float exactly like Python's `repr(float)` (and `json.dumps`):
/// shortest round-trip digits, scientific notation below 1e-4 and from 1e16,
/// and a trailing `.0` on integral values. Non-finite values use Python's
/// `NaN` / `Infinity` spellings.
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // `{:e}` gives the shortest round-trip digits as d.ddddde<exp>.
    let sci = format!("{:e}", x);
    let (mant, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp < 0 {
            s.push_str("0.");
            for _ in 0..(-exp - 1) {
                s.push('0');
            }
            s.push_str(&digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                s.push_str(&digits);
                for _ in digits.len()..int_len {
                    s.push('0');
                }
                s.push_str(".0");
            } else {
                s.push_str(&digits[..int_len]);
                s.push('.');
                s.push_str(&digits[int_len..]);
            }
        }
    } else {
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        let _ = write!(s, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
    s
}

fn write_str(out: &mut String, s: &str) {
    // json.dumps default ensure_ascii=True: non-ASCII becomes \uXXXX.
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{:04x}", unit);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn indent(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level * 4 {
        out.push(' ');
    }
}

fn write_scalar(out: &mut String, v: &Value) -> bool {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{}", i);
        }
        Value::Float(f) => out.push_str(&py_float(*f)),
        Value::Str(s) => write_str(out, s),
        _ => return false,
    }
    true
}

fn write_value(out: &mut String, v: &Value, level: usize) {
    if write_scalar(out, v) {
        return;
    }
    match v {
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, level + 1);
                write_value(out, item, level + 1);
            }
            indent(out, level);
            out.push(']');
        }
        Value::Object(entries) => {
            if entries.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, level + 1);
                write_str(out, k);
                out.push_str(": ");
                write_value(out, item, level + 1);
            }
            indent(out, level);
            out.push('}');
        }
        _ => unreachable!(),
    }
}

fn write_compact(out: &mut String, v: &Value) {
    if write_scalar(out, v) {
        return;
    }
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(out, item);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_compact(out, item);
            }
            out.push('}');
        }
        _ => unreachable!(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_repr() {
        assert_eq!(py_float(1.0), "1.0");
        assert_eq!(py_float(0.007), "0.007");
        assert_eq!(py_float(1e-5), "1e-05");
        assert_eq!(py_float(5.950413223140497e-05), "5.950413223140497e-05");
        assert_eq!(py_float(0.0001), "0.0001");
        assert_eq!(py_float(1e16), "1e+16");
        assert_eq!(py_float(123456789012345.6), "123456789012345.6");
        assert_eq!(py_float(1011.9813237186312), "1011.9813237186312");
        assert_eq!(py_float(-2.5), "-2.5");
        assert_eq!(py_float(300.0), "300.0");
        assert_eq!(py_float(0.14100000000000001), "0.14100000000000001");
    }

    #[test]
    fn keeps_key_order_and_writes_like_python() {
        let v = Value::parse(r#"{"b": 1, "a": [1.5, {}], "c": {"z": null, "y": []}}"#).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        let expected = "{\n    \"b\": 1,\n    \"a\": [\n        1.5,\n        {}\n    ],\n    \"c\": {\n        \"z\": null,\n        \"y\": []\n    }\n}";
        assert_eq!(v.to_python_json(), expected);
    }
}
