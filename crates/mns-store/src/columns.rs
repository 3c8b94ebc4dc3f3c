//! Typed columns: the schema keeps dates, instants and the domain's enums as text in one fixed
//! form (portable across SQLite and PostgreSQL), and records carry them typed. A record's field
//! is read through [`Text`] (or [`OptText`] when it may be empty) with
//! `#[sqlx(try_from = "Text<NaiveDate>")]`, so nothing past the store parses a stored string, and
//! a value that does not parse is a decoding error naming it, never a silent default.

use chrono::{DateTime, NaiveDate, Utc};
use mns_domain::identity::Role;
use mns_domain::provision::{CaseState, EndReason, InvoiceStatus, RequestStatus, RobotState};
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Decode, Type, ValueRef};

/// A type stored as text in one fixed form.
pub trait StoredText: Sized {
    /// Reads the stored form; `None` if it is not one.
    fn from_stored(text: &str) -> Option<Self>;
}

impl StoredText for NaiveDate {
    fn from_stored(text: &str) -> Option<Self> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    }
}

impl StoredText for DateTime<Utc> {
    fn from_stored(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

impl StoredText for CaseState {
    fn from_stored(text: &str) -> Option<Self> {
        CaseState::parse(text).ok()
    }
}

impl StoredText for EndReason {
    fn from_stored(text: &str) -> Option<Self> {
        EndReason::parse(text).ok()
    }
}

impl StoredText for RobotState {
    fn from_stored(text: &str) -> Option<Self> {
        RobotState::parse(text)
    }
}

impl StoredText for Role {
    fn from_stored(text: &str) -> Option<Self> {
        Role::parse(text).ok()
    }
}

impl StoredText for InvoiceStatus {
    fn from_stored(text: &str) -> Option<Self> {
        InvoiceStatus::parse(text)
    }
}

impl StoredText for mns_domain::events::BookingStatus {
    fn from_stored(text: &str) -> Option<Self> {
        Self::parse(text)
    }
}

impl StoredText for mns_domain::directory::feedback::FeedbackSource {
    fn from_stored(text: &str) -> Option<Self> {
        Self::parse(text)
    }
}

impl StoredText for mns_domain::directory::feedback::Theme {
    fn from_stored(text: &str) -> Option<Self> {
        Self::parse(text)
    }
}

impl StoredText for mns_domain::directory::feedback::WithheldReason {
    fn from_stored(text: &str) -> Option<Self> {
        Self::parse(text)
    }
}

impl StoredText for mns_domain::directory::feedback::ActionStatus {
    fn from_stored(text: &str) -> Option<Self> {
        Self::parse(text)
    }
}

impl StoredText for RequestStatus {
    fn from_stored(text: &str) -> Option<Self> {
        RequestStatus::parse(text)
    }
}

/// A non-empty text column read as `T`.
pub struct Text<T>(T);

/// A text column that may be NULL, read as `Option<T>`.
pub struct OptText<T>(Option<T>);

fn read<T: StoredText>(value: AnyValueRef<'_>) -> Result<T, BoxDynError> {
    let text = <String as Decode<Any>>::decode(value)?;
    T::from_stored(&text).ok_or_else(|| {
        format!(
            "'{text}' is not a stored {}",
            std::any::type_name::<T>()
                .rsplit("::")
                .next()
                .unwrap_or_default()
        )
        .into()
    })
}

impl<T> Type<Any> for Text<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<T> Type<Any> for OptText<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r, T: StoredText> Decode<'r, Any> for Text<T> {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        read(value).map(Text)
    }
}

impl<'r, T: StoredText> Decode<'r, Any> for OptText<T> {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.is_null() {
            return Ok(OptText(None));
        }
        read(value).map(|v| OptText(Some(v)))
    }
}

macro_rules! typed_columns {
    ($($t:ty),* $(,)?) => {
        $(
            impl From<Text<$t>> for $t {
                fn from(value: Text<$t>) -> $t {
                    value.0
                }
            }

            impl From<OptText<$t>> for Option<$t> {
                fn from(value: OptText<$t>) -> Option<$t> {
                    value.0
                }
            }
        )*
    };
}

typed_columns!(
    NaiveDate,
    DateTime<Utc>,
    CaseState,
    EndReason,
    RobotState,
    Role,
    InvoiceStatus,
    RequestStatus,
    mns_domain::events::BookingStatus,
    mns_domain::directory::feedback::FeedbackSource,
    mns_domain::directory::feedback::Theme,
    mns_domain::directory::feedback::WithheldReason,
    mns_domain::directory::feedback::ActionStatus,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_read_back_and_anything_else_is_refused() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(NaiveDate::from_stored(&crate::day(day)), Some(day));
        assert_eq!(NaiveDate::from_stored("06/12/2026"), None);
        let at = DateTime::parse_from_rfc3339("2026-12-06T09:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(DateTime::<Utc>::from_stored(&crate::ts(at)), Some(at));
        assert_eq!(DateTime::<Utc>::from_stored("yesterday"), None);
        for state in CaseState::ALL {
            assert_eq!(CaseState::from_stored(state.as_str()), Some(state));
        }
        for status in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::from_stored(status.as_str()), Some(status));
        }
        assert_eq!(InvoiceStatus::from_stored("HELD"), None);
        for state in RobotState::ALL {
            assert_eq!(RobotState::from_stored(state.as_str()), Some(state));
        }
        assert_eq!(
            RequestStatus::from_stored("open"),
            Some(RequestStatus::Open)
        );
        assert_eq!(Role::from_stored("coordinator"), Some(Role::Coordinator));
    }
}
