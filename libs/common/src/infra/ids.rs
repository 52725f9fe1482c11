//! Typed ids: a `Uuid` that says what it identifies, so a client record's id cannot be passed
//! where an employee's is meant. Stored as the plain `uuid` column (`sqlx(transparent)`),
//! shown and serialised as the plain UUID.

/// Declares a typed id: `typed_id! { /// doc \n pub struct XId; }`.
#[macro_export]
macro_rules! typed_id {
    ($(#[$doc:meta])* pub struct $name:ident;) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            sqlx::Type,
        )]
        #[sqlx(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}
