//! The CSV file as a header and records, read with a real RFC 4180 parser: product files
//! carry quoted newlines in descriptions and multi-value lists, so lines are not rows.

use super::{ImportError, RowError};
use csv::StringRecord;
use std::collections::HashMap;
use std::path::Path;

/// One data record and the spreadsheet row number it starts on (header = row 1).
pub(crate) struct Record {
    pub row: usize,
    pub fields: StringRecord,
}

pub(crate) struct Table {
    pub header: Vec<String>,
    index: HashMap<String, usize>,
    pub records: Vec<Record>,
    /// Records the parser could not decode (bad UTF-8, wrong field count), as errors.
    pub errors: Vec<RowError>,
    /// How many records `errors` stands for, so the report can count every row.
    pub unreadable: usize,
}

impl Table {
    /// Reads and parses the whole file. Product files are a few megabytes at most, and
    /// having every row at hand is what lets validation see the file as a whole.
    pub async fn read(path: &Path) -> Result<Table, ImportError> {
        let bytes = tokio::fs::read(path).await.map_err(|e| ImportError::Io(format!("{}: {e}", path.display())))?;
        Table::parse(&bytes)
    }

    pub fn parse(bytes: &[u8]) -> Result<Table, ImportError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let header = read_header(&mut reader)?;
        let index = header.iter().enumerate().map(|(i, h)| (h.clone(), i)).collect();
        let mut table = Table { header, index, records: Vec::new(), errors: Vec::new(), unreadable: 0 };
        for (i, result) in reader.records().enumerate() {
            let row = i + 2;
            match result {
                Ok(fields) if fields.len() == table.header.len() => table.records.push(Record { row, fields }),
                Ok(fields) if fields.iter().all(str::is_empty) => {} // a blank line
                Ok(fields) => {
                    table.reject(row, format!("has {} fields but the header has {}", fields.len(), table.header.len()))
                }
                Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                    return Err(ImportError::Io(e.to_string()));
                }
                Err(e) => table.reject(row, format!("cannot be read: {e}")),
            }
        }
        Ok(table)
    }

    fn reject(&mut self, row: usize, reason: String) {
        self.errors.push(RowError::new(row, "*", reason));
        self.unreadable += 1;
    }

    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// The field of `record` in `column`, or `""` when the file has no such column.
    pub fn get<'r>(&self, record: &'r Record, column: &str) -> &'r str {
        self.index.get(column).and_then(|&i| record.fields.get(i)).unwrap_or("")
    }
}

/// Header names trimmed (spreadsheet exports pad them); an empty file is an error.
fn read_header(reader: &mut csv::Reader<&[u8]>) -> Result<Vec<String>, ImportError> {
    let header = reader.headers().map_err(|e| match e.kind() {
        csv::ErrorKind::Io(_) => ImportError::Io(e.to_string()),
        _ => ImportError::Invalid(vec![RowError::new(1, "*", format!("the header cannot be read: {e}"))]),
    })?;
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    if header.iter().all(String::is_empty) {
        return Err(ImportError::Invalid(vec![RowError::new(1, "*", "the file is empty")]));
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::Table;

    #[test]
    fn rows_count_records_not_lines() {
        let t = Table::parse(b"sku,description\nA,\"two\nlines\"\nB,x\n").unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[1].row, 3);
        assert_eq!(t.get(&t.records[0], "description"), "two\nlines");
        assert_eq!(t.get(&t.records[0], "missing"), "");
    }

    #[test]
    fn ragged_rows_are_row_errors() {
        let t = Table::parse(b"\xEF\xBB\xBFsku,name\nA,a\nB\n").unwrap();
        assert_eq!(t.header, ["sku", "name"]);
        assert_eq!(t.records.len(), 1);
        assert_eq!(t.errors[0].to_string(), "row 3, column *: has 1 fields but the header has 2");
    }
}
