//! Many rows to a statement, written once for both databases: the county's attendance import
//! writes a school's figures and alerts hundreds at a time, and reads a school's alerts back
//! in one row.

use crate::Backend;

/// The row counts bulk statements are made in. A run of any length is written as runs of
/// these, largest first, so a table has at most five statement shapes to prepare and keep.
const SIZES: [usize; 5] = [256, 64, 16, 4, 1];

/// The most parameters a bulk statement may bind: SQLite's limit (PostgreSQL's is 65,535).
const MAX_PARAMETERS: usize = 32_766;

/// `items` in runs of 256, 64, 16, 4 and 1 rows, largest first.
pub(crate) fn chunks<T>(mut items: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        let size = SIZES.into_iter().find(|size| *size <= items.len())?;
        let (run, rest) = items.split_at(size);
        items = rest;
        Some(run)
    })
}

/// Whether a run of `rows` is one of the sizes [`chunks`] makes, so its statement is worth
/// keeping prepared.
pub(crate) fn standard(rows: usize) -> bool {
    SIZES.contains(&rows)
}

impl Backend {
    /// The `VALUES` list for `rows` rows of `columns` parameters each.
    ///
    /// SQLite gets anonymous `?` parameters, PostgreSQL `$1, $2, …`. Through sqlx, SQLite
    /// binding looks every numbered parameter up by name (`sqlite3_bind_parameter_name` walks
    /// the statement's list of names), so binding n of them costs n²: a 325-row,
    /// 7,800-parameter statement took 177 ms. Anonymous parameters are bound in order with no
    /// lookup.
    pub(crate) fn values(self, rows: usize, columns: usize) -> String {
        assert!(
            rows * columns <= MAX_PARAMETERS,
            "{rows} rows of {columns} parameters are too many for one statement"
        );
        let mut sql = String::with_capacity(rows * columns * 5);
        for row in 0..rows {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for column in 0..columns {
                if column > 0 {
                    sql.push_str(", ");
                }
                match self {
                    Backend::Sqlite => sql.push('?'),
                    Backend::Postgres => {
                        sql.push('$');
                        sql.push_str(&(row * columns + column + 1).to_string());
                    }
                }
            }
            sql.push(')');
        }
        sql
    }

    /// An aggregate that gathers the selected rows into one JSON array of arrays (one inner
    /// array of `columns` per row; `[]` for no rows), as text. Reading a school's alerts this
    /// way is one row instead of thousands: sqlx's SQLite worker hands each row over to the
    /// async task through a channel, a thread switch apiece.
    pub(crate) fn json_rows(self, columns: &str) -> String {
        match self {
            Backend::Sqlite => format!("json_group_array(json_array({columns}))"),
            Backend::Postgres => {
                format!("COALESCE(json_agg(json_build_array({columns}))::text, '[]')")
            }
        }
    }

    /// The parameters of an `IN (…)` list of `n` values: anonymous `?` on SQLite, where sqlx
    /// would look each numbered one up by name (see [`Backend::values`]), `$1, …` on
    /// PostgreSQL.
    pub(crate) fn in_list(self, n: usize) -> String {
        match self {
            Backend::Sqlite => vec!["?"; n].join(", "),
            Backend::Postgres => (1..=n)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// A `REAL`/`DOUBLE PRECISION` column as text that reads back as exactly the same number.
    /// SQLite's JSON (and `CAST … AS TEXT`) writes 15 significant digits, which loses the last
    /// of a double's; `%!.17g` writes 17, enough for any double. PostgreSQL's text form is the
    /// shortest exact one (`extra_float_digits` 1, the default since version 12).
    pub(crate) fn exact_real(self, column: &str) -> String {
        match self {
            Backend::Sqlite => format!("printf('%!.17g', {column})"),
            Backend::Postgres => format!("{column}::text"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_standard_sizes_largest_first_and_cover_every_item() {
        let items: Vec<usize> = (0..1_000).collect();
        let runs: Vec<usize> = chunks(&items).map(<[usize]>::len).collect();
        assert_eq!(runs, [256, 256, 256, 64, 64, 64, 16, 16, 4, 4]);
        assert!(runs.iter().all(|run| standard(*run)));
        let again: Vec<usize> = chunks(&items).flatten().copied().collect();
        assert_eq!(again, items);
        assert_eq!(chunks::<u8>(&[]).count(), 0);
        assert!(!standard(325));
    }

    #[test]
    fn values_number_parameters_on_postgresql_and_leave_them_anonymous_on_sqlite() {
        assert_eq!(Backend::Postgres.values(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(Backend::Sqlite.values(2, 3), "(?, ?, ?), (?, ?, ?)");
        let widest = Backend::Postgres.values(256, 24);
        assert!(widest.ends_with("$6144)"), "{widest}");
    }
}
